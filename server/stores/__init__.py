"""The store interface the HTTP layer uses, its embedded and remote stores, and the caches
over them."""
