"""What the declarations look like to a reader: transitions machines, tables, pictures, scenarios.

Every view is derived from the declarations in `model/machines/`; none adds behaviour.
"""
