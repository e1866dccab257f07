"""Find ODD (SDG) goals and targets named in free text.

Pages write "afin de répondre aux ODD 3.7, 3.9, 5.3", "ODD 6", "ODD n°6", "cible 6.2",
"cibles 6.1 et 6.2", "SDG 11". A bare "Objectifs de Développement Durable" names nothing.
Whether a code exists in the UN SDG KOS is checked later, by the linker.
"""

from __future__ import annotations

import re

_CODE = r"(?:n\s*[°ºo]\.?\s*)?\d{1,2}(?:\.(?:\d{1,2}|[a-j]))?(?![\d.]\d)"
_TRIGGER = re.compile(
    r"\b(?:ODD|SDG|ODDs|cibles?|targets?|objectifs? de d[ée]veloppement durable)\s*(?:n\s*[°ºo]\.?\s*)?"
    r"(?P<list>" + _CODE + r"(?:\s*(?:,|;|/|&|\bet\b|\band\b)\s*" + _CODE + r")*)",
    re.IGNORECASE,
)
_ONE = re.compile(r"(\d{1,2})(?:\.(\d{1,2}|[a-j]))?", re.IGNORECASE)


# Every trigger holds one of these words. Most lines hold none, and looking for them is much
# cheaper than running _TRIGGER. IGNORECASE also matches three letters that lower() does not
# give: İ and ı (for i), ſ (for s); a line holding one runs _TRIGGER anyway.
def _may_mention(text: str) -> bool:
    low = text.lower()
    return (
        "odd" in low
        or "sdg" in low
        or "cible" in low
        or "target" in low
        or "objectif" in low
        or "\u0130" in text
        or "\u0131" in text
        or "\u017f" in text
    )


def find_sdg_mentions(text: str) -> list[str]:
    """Codes in order of appearance: "6" for a goal, "6.3" or "6.a" for a target."""
    if not _may_mention(text):
        return []
    codes: list[str] = []
    for m in _TRIGGER.finditer(text):
        trigger = m.group(0)[: m.start("list") - m.start()].strip().lower()
        for one in _ONE.finditer(m.group("list")):
            goal, sub = one.group(1), one.group(2)
            if not 1 <= int(goal) <= 17:
                continue
            if sub is None and trigger.startswith(("cible", "target")):
                continue  # "cible 6" is not a target code; do not guess
            code = f"{int(goal)}.{sub.lower()}" if sub else str(int(goal))
            if code not in codes:
                codes.append(code)
    return codes
