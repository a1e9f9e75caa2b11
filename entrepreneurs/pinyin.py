"""Pinyin forms of Chinese names, stored beside the name so that a search needs no per-row conversion.

``pinyin_search_text("张智杰")`` is ``"zhang zhi jie zhang zhijie zhangzhijie zzj"``: the syllables,
the romanised form (surname, given name run together), all syllables joined, and the initials. The
admin and the API search it with ``icontains``, so 张智杰 is found by ``zhang zhijie``, ``zhangzhijie``,
``Zhang Zhijie`` or ``zzj``. Heteronym surnames (单 shàn, 曾 zēng...) follow pypinyin's phrase
dictionary and may come out with the common reading: a known weakness.

``romanise("张智杰")`` is ``"Zhang Zhijie"``: the romanised name ``Entrepreneur.save()`` fills in when
none is given.
"""

from pypinyin import Style, lazy_pinyin


def pinyin_search_text(name: str, *, person: bool = True, max_length: int = 255) -> str:
    """Searchable pinyin forms of ``name`` (lower case, space-separated), at most ``max_length`` long.

    ``person`` adds the romanised form (surname apart from the given name); leave it off for names
    of enterprises. Characters other than Chinese ones are left out (the name itself is searched as
    well). When the text is too long (long enterprise names), the separate syllables go first.
    """
    syllables = [s.lower() for s in lazy_pinyin(name or "", style=Style.NORMAL, errors="ignore") if s]
    if not syllables:
        return ""
    initials = "".join(
        s[0].lower() for s in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore") if s
    )
    return search_text_of(syllables, initials, person=person, max_length=max_length)


def search_text_of(syllables, initials=None, *, person=True, max_length=255) -> str:
    """The search text of a name already read as ``syllables`` (lower case); ``initials`` default to
    their first letters. The synthetic data composes names from parts read once each."""
    if not syllables:
        return ""
    if initials is None:
        initials = "".join(s[0] for s in syllables)
    apart = " ".join(syllables)
    romanised = " ".join(part for part in (syllables[0], "".join(syllables[1:])) if part) if person else ""
    joined = "".join(syllables)
    forms = [apart, romanised, joined, initials]
    text = " ".join(dict.fromkeys(form for form in forms if form))
    if len(text) > max_length:
        text = " ".join(dict.fromkeys(form for form in (joined, initials) if form))
    if len(text) > max_length:
        text = f"{initials} {joined}"[:max_length].rstrip()
    return text


def romanise(name: str) -> str:
    """'张智杰' -> 'Zhang Zhijie' (surname, then the given name run together)."""
    return romanised_of(lazy_pinyin(name, style=Style.NORMAL, errors="ignore"))


def romanised_of(syllables) -> str:
    """The romanised name of a name read as ``syllables``: surname, then the given name run together."""
    if not syllables:
        return ""
    return " ".join(part.capitalize() for part in [syllables[0], "".join(syllables[1:])] if part)
