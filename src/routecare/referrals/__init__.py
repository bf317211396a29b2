"""Referrals from a case to a service, with consent, eligibility and a purpose-bound share."""
