"""SERVICE: the allowlist, outbound calls, bound joins, and finding Wikidata links."""
