"""Fast tests of pure logic: no database, no network."""
