"""One validation result, the same whichever engine found it."""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class Result:
    """One validation result. Terms are in N-Triples form; the path is `<p>` or `^<p>`."""

    focus: str
    path: str | None
    value: str | None
    shape: str
    component: str  # local name: "MinCountConstraintComponent"
    severity: str  # "Violation", "Warning" or "Info"
    messages: tuple[tuple[str, str], ...]  # (language, text), sorted

    def message(self, lang: str = "en") -> str:
        for want in (lang, "en", "fr", ""):
            for lg, text in self.messages:
                if lg == want:
                    return text
        return self.component

    def sort_key(self) -> tuple[str, str, str, str, str, str, tuple[tuple[str, str], ...]]:
        return (self.focus, self.path or "", self.value or "", self.shape, self.component, self.severity, self.messages)


__all__ = ["SEVERITIES", "Result"]
