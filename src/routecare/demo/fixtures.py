"""The demo's organisations, staff and children. Every name here is invented."""

from __future__ import annotations

from routecare.auth.roles import OrganisationKind, Role

# (name, country, kind). The first organisation holds a user for every role.
ORGANISATIONS: list[tuple[str, str, OrganisationKind]] = [
    ("Sahel Child Protection Network (Agadez)", "NER", OrganisationKind.NGO),
    ("UN Migration Office, Niamey", "NER", OrganisationKind.UN_AGENCY),
    ("Niger Border Police, Assamaka post", "NER", OrganisationKind.BORDER_AUTHORITY),
    ("Tafadek Reception House (Agadez)", "NER", OrganisationKind.SHELTER_OPERATOR),
    ("Fezzan Child Relief (Sabha)", "LBY", OrganisationKind.NGO),
    ("Tripoli Safe House for Minors", "LBY", OrganisationKind.SHELTER_OPERATOR),
    ("Sfax Child Protection Delegation", "TUN", OrganisationKind.GOVERNMENT_AUTHORITY),
    ("Dar El Amen Shelter (Sfax)", "TUN", OrganisationKind.SHELTER_OPERATOR),
    ("Lampedusa Border Police", "ITA", OrganisationKind.BORDER_AUTHORITY),
    ("Rete Minori Sicilia", "ITA", OrganisationKind.NGO),
    ("Casa Aurora Emergency Shelter (Agrigento)", "ITA", OrganisationKind.SHELTER_OPERATOR),
    ("Valletta Minors Protection Service", "MLT", OrganisationKind.GOVERNMENT_AUTHORITY),
    ("Dar il-Wens Shelter (Birkirkara)", "MLT", OrganisationKind.SHELTER_OPERATOR),
]

FIRST_ORGANISATION_USERS: list[tuple[str, Role]] = [
    ("screener", Role.SCREENER),
    ("caseworker", Role.CASE_WORKER),
    ("supervisor", Role.SUPERVISOR),
    ("coordinator", Role.COORDINATOR),
    ("dpo", Role.DATA_PROTECTION_OFFICER),
    ("analyst", Role.ANALYST),
    ("admin", Role.ADMINISTRATOR),
]

# (username, organisation index, role): staff along the rest of the route.
ROUTE_USERS: list[tuple[str, int, Role]] = [
    ("screener.ner", 2, Role.SCREENER),
    ("caseworker.unner", 1, Role.CASE_WORKER),
    ("shelter.ner", 3, Role.CASE_WORKER),
    ("caseworker.lby", 4, Role.CASE_WORKER),
    ("coordinator.lby", 4, Role.COORDINATOR),
    ("supervisor.lby", 4, Role.SUPERVISOR),
    ("shelter.lby", 5, Role.CASE_WORKER),
    ("caseworker.tun", 6, Role.CASE_WORKER),
    ("coordinator.tun", 6, Role.COORDINATOR),
    ("supervisor.tun", 6, Role.SUPERVISOR),
    ("shelter.tun", 7, Role.CASE_WORKER),
    ("screener.ita", 8, Role.SCREENER),
    ("caseworker.ita", 9, Role.CASE_WORKER),
    ("supervisor.ita", 9, Role.SUPERVISOR),
    ("coordinator.ita", 9, Role.COORDINATOR),
    ("shelter.ita", 10, Role.CASE_WORKER),
    ("caseworker.mlt", 11, Role.CASE_WORKER),
    ("coordinator.mlt", 11, Role.COORDINATOR),
    ("supervisor.mlt", 11, Role.SUPERVISOR),
    ("shelter.mlt", 12, Role.CASE_WORKER),
]

# (registering username, given, family, sex, age, nationality, unaccompanied)
CHILDREN: list[tuple[str, str, str, str, int | None, str, bool]] = [
    ("caseworker", "Mamadou Aliou", "Bah", "male", 15, "GIN", True),
    ("caseworker", "Fatoumata Binta", "Sow", "female", 16, "GIN", True),
    ("caseworker", "Ibrahima", "Kourouma", "male", 14, "GIN", True),
    ("caseworker", "Aminata", "Traoré", "female", 13, "MLI", False),
    ("caseworker", "Seydou", "Coulibaly", "male", 17, "MLI", True),
    ("screener", "Moussa", "Keïta", "male", None, "MLI", True),
    ("screener.ner", "Ousmane", "Barry", "male", 16, "GIN", True),
    ("caseworker.unner", "Kadiatou", "Camara", "female", 15, "GIN", True),
    ("caseworker.unner", "Yao Kouassi", "N'Guessan", "male", 12, "CIV", False),
    ("caseworker.lby", "Abdoulaye", "Diallo", "male", 15, "GIN", True),
    ("caseworker.lby", "Hawa", "Condé", "female", 17, "GIN", True),
    ("caseworker.lby", "Adam Yahya", "Abakar", "male", 16, "SDN", True),
    ("caseworker.lby", "Semhar", "Tesfay", "female", 15, "ERI", True),
    ("caseworker.tun", "Mariama", "Baldé", "female", 14, "GIN", False),
    ("caseworker.tun", "Lansana", "Soumah", "male", 16, "GIN", True),
    ("caseworker.tun", "Awa", "Konaté", "female", 17, "CIV", True),
    ("screener.ita", "Alhassane", "Touré", "male", 16, "GIN", True),
    ("caseworker.ita", "Abdulai", "Jallow", "male", 15, "GIN", True),
    ("caseworker.ita", "Djénéba", "Sangaré", "female", 16, "MLI", True),
    ("caseworker.ita", "Mohamed Lamine", "Kanté", "male", 17, "GIN", True),
    ("caseworker.ita", "Blessing", "Okafor", "female", 16, "NGA", True),
    ("caseworker.mlt", "Yonas", "Gebremedhin", "male", 16, "ERI", True),
    ("caseworker.mlt", "Aïssatou", "Diallo", "female", 15, "GIN", True),
    ("caseworker.mlt", "Issa", "Ouédraogo", "male", 14, "BFA", True),
]
