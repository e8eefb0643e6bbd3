"""ehttp: Configuration Manager 1806 Enhanced HTTP as an executable, model-checked specification."""
