"""A child's record: the encrypted identity every other domain (screening, cases, referrals,
linkage) refers to, and the grants that share parts of it with other organisations."""
