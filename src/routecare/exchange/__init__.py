"""Consented, signed and encrypted transnational referrals between routecare deployments
(docs/exchange.md): this deployment's JOSE keys, the partner registry, purpose-bound packages
(a JWS inside a JWE) and their receipt on the other side."""
