"""Every SQL statement: the schema, engines, migrations and the SQL adapters of every port."""
