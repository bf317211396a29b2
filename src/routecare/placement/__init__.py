"""Emergency placement after Greece's NERM: an urgent request finds the nearest fitting
emergency place with a free bed, holds it atomically, or escalates to the national coordinator."""
