"""Follow across borders: find the same child in two countries' registrations without the
countries exchanging names (privacy-preserving record linkage).

Each deployment encodes its registrations locally (`encoding`) with a secret agreed between
partners; only encodings travel. `matching` scores pairs of encodings Fellegi–Sunter style with
parameters estimated without labels (`model`) and keeps one-to-one links.
"""
