"""People, roles scoped to a territory or an election, and authorization."""
