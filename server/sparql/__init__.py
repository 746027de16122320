"""The SPARQL 1.1 Protocol endpoint, its Service Description and VoID, and the OpenAPI
description."""
