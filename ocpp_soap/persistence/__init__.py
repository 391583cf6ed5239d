"""Storage: ORM schema, repositories and the unit of work, behind the domain's ports."""
