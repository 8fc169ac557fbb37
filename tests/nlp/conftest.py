"""Models shared by the stance tests: loaded once per module that asks for them."""

import pytest

from nlp.embeddings import load_encoder
from nlp.stances.seeded import SeededStances
from nlp.stances.taxonomy import Taxonomy


@pytest.fixture(scope="module")
def encoder():
    return load_encoder()


@pytest.fixture(scope="module")
def seeded(encoder) -> SeededStances:
    return SeededStances.from_taxonomy(Taxonomy.load(), encoder)
