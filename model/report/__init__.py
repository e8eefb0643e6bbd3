"""The requirement catalogue, its traceability to properties and tests, and the HTML report."""
