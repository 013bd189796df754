"""Arabic proclitics: which forms of a word the index stores and a query looks for.

A word may carry, written onto its front, a conjunction (و «and», ف «so»), then a preposition
(ب «in, by», ك «like», ل «for, to»), then the article ال; ل followed by ال is written لل.
«وبالقدس» is و + ب + ال + «قدس», «للمدرسة» is ل + ال + «مدرسة», «وفرنسا» is و + «فرنسا».
The valid sequences are therefore: و ف | ب ك ل | وب وك ول فب فك فل | ال وال فال بال كال لل |
وبال وكال ولل فبال فكال فلل. Without a dictionary, a word that merely starts with one of these
letters looks the same («وزير», «بلد», «كتاب», «لبنان», «فرنسا», «بوتين»), so the rule is built
so that a wrong reading costs little, and the word as written is always kept:

- **Index** (documents): each word as written, and every reading of it that leaves a long
  enough stem: at least 2 letters after ال (MIN_STEM_AFTER_ARTICLE), at least 3 after a
  conjunction or a preposition without ال (MIN_STEM). Such a stem may itself start with ال only
  if 2 letters follow it («والي», «بالي», «والد» stay whole). After a preposition without ال a
  stem never starts with و: «بوتين», «بولندا», «كوريا» are names, not ب + «وتين». A stem read
  after ال is also stored with it («للمدرسة» → «المدرسة»).
  «وبالقدس» → وبالقدس، بالقدس، القدس، قدس; «ولبنان» → ولبنان، لبنان، بنان; «بمصر» → بمصر، مصر;
  «وزير» → وزير، زير; «بلد», «ولد», «كان», «ومن» stay whole.
- **Query** (what a reader types): the word as written and only the readings a reader most
  likely meant: the word with ال but without what comes before it («والكرملين» → «الكرملين»,
  «للمدرسة» → «المدرسة»), and, after a lone conjunction, the rest when at least 4 letters
  remain (MIN_QUERY_STEM: «وفرنسا» → «فرنسا»). A query never drops ال itself, a preposition
  without ال, or a conjunction from a short word: «بوتين» does not look for «وتين», «كمال» not
  for «مال», «فراس» not for «راس», «وزير» not for «زير», «الجنة» not for «جنة» (and so not
  for «لجنة»). The index holds the stems, so «مصر» still finds «بمصر» and «قدس» «بالقدس».

A query word matches a document word when one of its forms is among the document word's:
«فرنسا» finds «وفرنسا»; «القدس» and «قدس» find «بالقدس»; «لبنان» finds «ولبنان» and «للبنان»;
«الكرملين» finds «والكرملين»; «وزير» finds «وزير». There is no suffix stemming: names stay whole.
"""

from __future__ import annotations

import functools

CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ك", "ل")
ARTICLE = "ال"
# Letters a stem keeps after ال; after a conjunction or preposition without ال; and what a
# query's lone conjunction must leave before the query also looks for the stem.
MIN_STEM_AFTER_ARTICLE = 2
MIN_STEM = 3
MIN_QUERY_STEM = 4


def _readings(word: str) -> list[tuple[str, str, bool, str]]:
    """Every (conjunction, preposition, has_article, stem) that spells ``word`` with a valid
    stem, the word itself left out."""
    found = []
    for conjunction in ("", *CONJUNCTIONS):
        if not word.startswith(conjunction):
            continue
        after_conjunction = word[len(conjunction) :]
        for preposition in ("", *PREPOSITIONS):
            if not after_conjunction.startswith(preposition):
                continue
            rest = after_conjunction[len(preposition) :]
            # ل + ال is written لل: the article's alef is dropped.
            article = "ل" if preposition == "ل" else ARTICLE
            if rest.startswith(article) and len(rest) - len(article) >= MIN_STEM_AFTER_ARTICLE:
                found.append((conjunction, preposition, True, rest[len(article) :]))
            if not (conjunction or preposition) or len(rest) < MIN_STEM:
                continue
            if rest.startswith(ARTICLE) and len(rest) - len(ARTICLE) < MIN_STEM_AFTER_ARTICLE:
                continue
            if preposition and rest.startswith("و"):
                continue
            found.append((conjunction, preposition, False, rest))
    return found


def _ordered(word: str, stems) -> tuple[str, ...]:
    # The word first, then longer stems before shorter ones, each once.
    return (word, *sorted({stem for stem in stems if stem != word}, key=lambda stem: (-len(stem), stem)))


@functools.lru_cache(maxsize=65536)
def forms(token: str) -> tuple[str, ...]:
    """What the index stores for a normalised token: the token, then every stem it may carry.

    A language's words repeat: remembering them makes indexing a long story several times faster.
    """
    stems = []
    for conjunction, preposition, has_article, stem in _readings(token):
        stems.append(stem)
        if has_article and (conjunction or preposition):
            stems.append(ARTICLE + stem)  # «للمدرسة» also as «المدرسة»
    return _ordered(token, stems)


@functools.lru_cache(maxsize=4096)
def query_forms(token: str) -> tuple[str, ...]:
    """What a query looks for: the token, and the stems a reader most likely meant by it."""
    stems = []
    for conjunction, preposition, has_article, stem in _readings(token):
        if has_article:
            stems.append(ARTICLE + stem)
        elif conjunction and not preposition and len(stem) >= MIN_QUERY_STEM:
            stems.append(stem)
    return _ordered(token, stems)
