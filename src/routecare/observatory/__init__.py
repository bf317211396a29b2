"""The observatory: aggregate statistics about children on the move, released without
exposing any child (docs/observatory.md)."""
