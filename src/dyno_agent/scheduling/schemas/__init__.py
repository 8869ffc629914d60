"""Request and response models of the scheduling API (`XCreate`, `XUpdate`, `XRead`).

One module per resource. Vocabulary fields are normalised through `scheduling.vocab`, so a bad value
is a 422.
"""
