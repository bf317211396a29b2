"""Case management: a child's case from identification to closure, following the CPWG SOP.

A case belongs to one child record (`children.Child`) and carries the same reference; whatever
identifies the child (names, notes, documents, guardian) is encrypted with the child's data key.
"""
