"""The `ehttp` command line: `app` is the group and its command list, one module per command."""
