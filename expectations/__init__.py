"""Great Expectations suites for copydesk output (YAML; see documents.yaml)."""
