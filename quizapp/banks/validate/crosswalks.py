"""The rules for a crosswalk file: its keys and values as bank_format.py declares them
(CROSSWALK, LINK), and, across files, that its two frameworks exist and differ, that every
link names statement codes those frameworks have (an error at the code, with the nearest
code), and that no pair of codes is linked twice (a warning: harmless, but a sign of a slip)."""

from __future__ import annotations

from quizapp.banks.bank_format import CROSSWALK, LINK
from quizapp.banks.model import Crosswalk, CrosswalkLink
from quizapp.banks.validate.fields import FieldReader, suggest
from quizapp.banks.validate.records import CrosswalkRec, FrameworkRec, LinkRec, Ref, SetState
from quizapp.banks.validate.references import first_wins, known_framework
from quizapp.banks.yamlsafe import LocatedDict


class CrosswalkRules(FieldReader):
    """Checks a crosswalk file and records it in the set state."""

    def crosswalk(self, root: LocatedDict) -> None:
        values = self.read_shape(root, CROSSWALK)
        ref, source, target = values["crosswalk"], values["from"], values["to"]
        links: list[LinkRec] = []
        for _, entry in self.entries(values["links"], CROSSWALK["links"]):
            fields = self.read_shape(entry, LINK)
            if fields["from"] is not None and fields["to"] is not None and fields["reason"] is not None:
                link = CrosswalkLink(fields["from"].value, fields["to"].value, fields["reason"],
                                     line=fields["from"].line)
                links.append(LinkRec(fields["from"], fields["to"], link))
        if source is not None and target is not None and source.value == target.value:
            self.at_value(root, "to", f"a crosswalk links two different frameworks: 'from' and "
                                      f"'to' are both '{source.value}'")
            source = target = None
        if ref is None:
            return
        crosswalk = Crosswalk(key=ref.value, title=values["title"] or "",
                              source=source.value if source else "", target=target.value if target else "",
                              links=[], description=values["description"] or "",
                              file=self.file, line=ref.line)
        self.state.crosswalks.append(CrosswalkRec(ref, source, target, crosswalk, links))


def check_crosswalks(state: SetState, frameworks: dict[str, FrameworkRec]) -> None:
    """Crosswalk ids unique; each crosswalk's frameworks known; each link's codes known, each
    pair once. The crosswalk keeps only the links that pass."""
    crosswalks: dict[str, CrosswalkRec] = first_wins(
        state, ((rec.ref, rec) for rec in state.crosswalks), "crosswalk")
    state.crosswalks = list(crosswalks.values())
    for rec in state.crosswalks:
        source = _codes(state, rec.source, frameworks)
        target = _codes(state, rec.target, frameworks)
        seen: dict[tuple[str, str], Ref] = {}
        for link in rec.links:
            ok = _known(state, link.source, source, rec.source)
            ok = _known(state, link.target, target, rec.target) and ok
            pair = (link.source.value, link.target.value)
            if pair in seen:
                state.warn(link.source, f"link {pair[0]} -> {pair[1]} is given twice (first at line "
                                        f"{seen[pair].line}): keep one")
            elif ok:
                seen[pair] = link.source
                rec.crosswalk.links.append(link.link)


def _codes(state: SetState, ref: Ref | None, frameworks: dict[str, FrameworkRec]) -> set[str] | None:
    """The statement codes of the framework ``ref`` names; None when it is unknown (reported)."""
    if ref is None or not known_framework(state, ref, frameworks):
        return None
    return set(frameworks[ref.value].codes)


def _known(state: SetState, code: Ref, codes: set[str] | None, framework: Ref | None) -> bool:
    """Rule: a link names a statement code of its side's framework."""
    if codes is None or framework is None:
        return False
    if code.value in codes:
        return True
    hint = suggest(code.value, codes)
    tail = f" (did you mean '{hint}'?)" if hint else ""
    state.error(code, f"unknown statement code '{code.value}' for framework '{framework.value}'{tail}")
    return False
