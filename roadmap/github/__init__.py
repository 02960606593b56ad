"""GitHub: the REST client (the only place PyGithub is imported) and the `gh` export reader."""
