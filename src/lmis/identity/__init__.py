"""Identity and access: accounts, roles, regional scopes, MFA, API clients with scopes and quotas, audit."""
