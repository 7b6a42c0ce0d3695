"""Build ontology/cameo.ttl: the CAMEO event codes as a SKOS concept scheme.

Input is the CAMEO-to-PLOVER conversion table of the PLOVER project
(CAMEO2PLOVER-2021.txt, https://github.com/openeventdata/PLOVER, CC BY-SA 4.0).
Its lines are

    03: AGREE                                   a root code and its PLOVER type
    0313: AGREE,  ,   legal # Express intent... code: PLOVER type, mode, context # English name
    091: ACCUSE, investigate, crime; corruption  several contexts are separated by ";"

plus "#" comments, blank lines and a closing "~~~~~" line. A code may appear on more
than one line (root 08 has two PLOVER types); a line may sit under another root's
header (191 under 17), so the parent of a code is taken from its digits, never from
where it stands. The English names of the root codes, and the codes of roots 01 and 02,
which the table leaves out, come from the CAMEO 1.1b3 codebook (CODEBOOK below).
Arabic labels come from a TSV file (code<TAB>label).

Usage (from the repository root):

    python ontology/make_cameo.py [--source TABLE] [--arabic TSV] [-o TTL]

The output is deterministic: running the script twice gives byte-identical files.
"""
from __future__ import annotations

import argparse
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.plugins.serializers.turtle import TurtleSerializer

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO / ".." / "shared" / "data" / "cameo" / "CAMEO2PLOVER-2021.txt"
DEFAULT_ARABIC = REPO / "ontology" / "cameo_ar.tsv"
DEFAULT_OUTPUT = REPO / "ontology" / "cameo.ttl"

CAMEO = Namespace("https://w3id.org/kg-news/cameo/")
PLOVER = Namespace("https://w3id.org/kg-news/plover/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")

PLOVER_REPO = URIRef("https://github.com/openeventdata/PLOVER")
LICENSE = URIRef("https://creativecommons.org/licenses/by-sa/4.0/")

# Names from the CAMEO 1.1b3 codebook (Schrodt 2012) for the codes the table lacks or
# leaves unnamed: the 20 root codes, and the children of roots 01 and 02. As in the
# table, ", not specified below" is left out of the names of the residual codes.
CODEBOOK = {
    "01": "Make public statement",
    "010": "Make statement",
    "011": "Decline comment",
    "012": "Make pessimistic comment",
    "013": "Make optimistic comment",
    "014": "Consider policy option",
    "015": "Acknowledge or claim responsibility",
    "016": "Deny responsibility",
    "017": "Engage in symbolic act",
    "018": "Make empathetic comment",
    "019": "Express accord",
    "02": "Appeal",
    "020": "Make an appeal or request",
    "021": "Appeal for material cooperation",
    "0211": "Appeal for economic cooperation",
    "0212": "Appeal for military cooperation",
    "0213": "Appeal for judicial cooperation",
    "0214": "Appeal for intelligence",
    "022": "Appeal for diplomatic cooperation (such as policy support)",
    "023": "Appeal for aid",
    "0231": "Appeal for economic aid",
    "0232": "Appeal for military aid",
    "0233": "Appeal for humanitarian aid",
    "0234": "Appeal for military protection or peacekeeping",
    "024": "Appeal for political reform",
    "0241": "Appeal for change in leadership",
    "0242": "Appeal for policy change",
    "0243": "Appeal for rights",
    "0244": "Appeal for change in institutions, regime",
    "025": "Appeal to yield",
    "0251": "Appeal for easing of administrative sanctions",
    "0252": "Appeal for easing of popular dissent",
    "0253": "Appeal for release of persons or property",
    "0254": "Appeal for easing of economic sanctions, boycott, or embargo",
    "0255": "Appeal for target to allow international involvement (non-mediation)",
    "0256": "Appeal for de-escalation of military engagement",
    "026": "Appeal to others to meet or negotiate",
    "027": "Appeal to others to settle dispute",
    "028": "Appeal to others to engage in or accept mediation",
    "03": "Express intent to cooperate",
    "04": "Consult",
    "05": "Engage in diplomatic cooperation",
    "06": "Engage in material cooperation",
    "07": "Provide aid",
    "08": "Yield",
    "09": "Investigate",
    "10": "Demand",
    "11": "Disapprove",
    "12": "Reject",
    "13": "Threaten",
    "14": "Protest",
    "15": "Exhibit force posture",
    "16": "Reduce relations",
    "17": "Coerce",
    "18": "Assault",
    "19": "Fight",
    "20": "Use unconventional mass violence",
}
CODEBOOK_NOTE = "English name from the CAMEO 1.1b3 codebook (Schrodt 2012)."
NOT_IN_TABLE_NOTE = "Not in the CAMEO-to-PLOVER table, so no PLOVER type; " + CODEBOOK_NOTE

# Arabic labels of the PLOVER event types.
PLOVER_AR = {
    "ACCUSE": "اتهام",
    "AGREE": "اتفاق",
    "AID": "مساعدة",
    "ASSAULT": "اعتداء",
    "COERCE": "إكراه",
    "CONCEDE": "تنازل",
    "CONSULT": "تشاور",
    "COOPERATE": "تعاون",
    "MOBILIZE": "تعبئة",
    "PROTEST": "احتجاج",
    "REJECT": "رفض",
    "REQUEST": "طلب",
    "RETREAT": "تراجع",
    "SANCTION": "فرض عقوبات",
    "SUPPORT": "تأييد",
    "THREATEN": "تهديد",
}

LINE = re.compile(r"(?P<code>\d{2,4}):(?P<fields>[^#]*)(?:#(?P<name>.*))?")
PLOVER_TYPE = re.compile(r"[A-Z]+")
# A remark appended to a name after a run of spaces, e.g. 'Ease curfew  21.09.17: "ease" ...'.
REMARK = re.compile(r"\s{2,}")


@dataclass(frozen=True)
class Mapping:
    """One PLOVER reading of a code: its event type, mode and contexts."""

    type: str
    mode: str = ""
    contexts: tuple[str, ...] = ()

    def scope_note(self) -> str | None:
        parts = []
        if self.mode:
            parts.append(f"mode: {self.mode}")
        if self.contexts:
            parts.append("context: " + ", ".join(self.contexts))
        return "PLOVER " + "; ".join(parts) if parts else None


@dataclass
class Code:
    """A CAMEO code as collected from every line that gives it."""

    notation: str
    names: list[str] = field(default_factory=list)
    mappings: list[Mapping] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def warn(message: str) -> None:
    print(f"make_cameo: {message}", file=sys.stderr)


def parse_table(path: Path) -> tuple[dict[str, Code], list[str]]:
    """Read the conversion table: the codes by notation, and the header comment lines."""
    codes: dict[str, Code] = {}
    header: list[str] = []
    section = ""  # the root code whose header line came last
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or re.fullmatch(r"~+", line):
            continue
        if line.startswith("#"):
            if not codes:
                header.append(line.lstrip("#").strip())
            continue
        match = LINE.fullmatch(line)
        if not match:
            raise ValueError(f"{path}:{number}: cannot read line {raw!r}")
        notation = match["code"]
        fields = [f.strip() for f in match["fields"].split(",")]
        if len(fields) > 3 or not PLOVER_TYPE.fullmatch(fields[0]):
            raise ValueError(f"{path}:{number}: expected 'TYPE, mode, context' in {raw!r}")
        fields += [""] * (3 - len(fields))
        contexts = tuple(c.strip() for c in fields[2].split(";") if c.strip())
        mapping = Mapping(fields[0], fields[1], contexts)

        if len(notation) == 2:
            section = notation
        elif notation[:2] != section:
            warn(f"line {number}: {notation} stands under root {section}")
        code = codes.setdefault(notation, Code(notation))
        if code.mappings:
            warn(f"line {number}: {notation} given again")
        if mapping not in code.mappings:
            code.mappings.append(mapping)
        name = (match["name"] or "").strip()
        if name:
            name, *remark = REMARK.split(name, maxsplit=1)
            if remark:
                warn(f"line {number}: {notation}: remark after the name: {remark[0]!r}")
                code.remarks.extend(remark)
            if name not in code.names:
                code.names.append(name)
    for code in codes.values():
        if len(code.names) > 1:
            warn(f"{code.notation} has {len(code.names)} names: {code.names}; the first is its prefLabel")
        if len({m.type for m in code.mappings}) > 1:
            warn(f"{code.notation} has PLOVER types {[m.type for m in code.mappings]}")
    return codes, header


def add_codebook(codes: dict[str, Code]) -> None:
    """Name the unnamed codes, and add the codebook codes the table lacks."""
    for notation, name in CODEBOOK.items():
        code = codes.get(notation)
        if code is None:
            codes[notation] = Code(notation, [name], notes=[NOT_IN_TABLE_NOTE])
        elif not code.names:
            code.names.append(name)
            code.notes.append(CODEBOOK_NOTE)
    for code in codes.values():
        if not code.names:
            raise ValueError(f"code {code.notation} has no English name")


def parent(notation: str, codes: dict[str, Code]) -> str | None:
    """The broader code: none for a root, the root for a 3-digit code, and for a
    4-digit code its 3-digit prefix (or, if that does not exist, its root)."""
    if len(notation) == 2:
        return None
    if len(notation) == 4 and notation[:3] in codes:
        return notation[:3]
    if notation[:2] not in codes:
        raise ValueError(f"code {notation} has no root code {notation[:2]}")
    return notation[:2]


def read_arabic(path: Path) -> dict[str, str]:
    """Read code<TAB>label lines; '#' lines and blank lines are skipped."""
    labels: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        notation, sep, label = raw.partition("\t")
        notation, label = notation.strip(), label.strip()
        if not sep or not notation or not label:
            raise ValueError(f"{path}:{number}: expected 'code<TAB>label', got {raw!r}")
        if notation in labels:
            raise ValueError(f"{path}:{number}: second label for {notation}")
        labels[notation] = label
    return labels


def build_graph(codes: dict[str, Code], arabic: dict[str, str], header: list[str], source_name: str) -> Graph:
    unknown = sorted(set(arabic) - set(codes))
    if unknown:
        raise ValueError(f"Arabic labels for codes that do not exist: {unknown}")
    g = Graph()
    for prefix, namespace in [("skos", SKOS), ("dcterms", DCTERMS), ("rdfs", RDFS), ("cameo", CAMEO),
                              ("plover", PLOVER), ("sem", SEM)]:
        g.bind(prefix, namespace, replace=True)

    scheme = CAMEO.CAMEO
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, SKOS.prefLabel, Literal("CAMEO event codes", lang="en")))
    g.add((scheme, SKOS.prefLabel, Literal("رموز أحداث CAMEO", lang="ar")))
    g.add((scheme, DCTERMS.source, PLOVER_REPO))
    g.add((scheme, DCTERMS.license, LICENSE))
    described = "; ".join(line for line in header if line and "@" not in line)
    g.add((scheme, RDFS.comment, Literal(
        f"The CAMEO event codes, made from {source_name} ({described}) of the PLOVER project, "
        f"github.com/openeventdata/PLOVER, CC BY-SA 4.0. "
        f"Each code is skos:broadMatch to its PLOVER event type. The names of the root codes "
        f"and the codes of roots 01 and 02 come from the CAMEO 1.1b3 codebook.", lang="en")))

    plover_scheme = PLOVER.PLOVER
    g.add((plover_scheme, RDF.type, SKOS.ConceptScheme))
    g.add((plover_scheme, SKOS.prefLabel, Literal("PLOVER event types", lang="en")))
    g.add((plover_scheme, SKOS.prefLabel, Literal("أنواع أحداث PLOVER", lang="ar")))
    g.add((plover_scheme, DCTERMS.source, PLOVER_REPO))
    g.add((plover_scheme, DCTERMS.license, LICENSE))
    g.add((plover_scheme, RDFS.comment, Literal(
        f"The PLOVER event types that the CAMEO codes map to in {source_name}.", lang="en")))

    for ptype in sorted({m.type for code in codes.values() for m in code.mappings}):
        if ptype not in PLOVER_AR:
            raise ValueError(f"no Arabic label for PLOVER type {ptype}")
        concept = PLOVER[ptype]
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, SKOS.prefLabel, Literal(ptype, lang="en")))
        g.add((concept, SKOS.prefLabel, Literal(PLOVER_AR[ptype], lang="ar")))
        g.add((concept, SKOS.notation, Literal(ptype)))
        g.add((concept, SKOS.inScheme, plover_scheme))
        g.add((concept, SKOS.topConceptOf, plover_scheme))
        g.add((plover_scheme, SKOS.hasTopConcept, concept))

    for notation in sorted(codes):
        code = codes[notation]
        concept = CAMEO[notation]
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, RDF.type, SEM.EventType))
        g.add((concept, SKOS.notation, Literal(notation)))
        g.add((concept, SKOS.prefLabel, Literal(code.names[0], lang="en")))
        for name in code.names[1:]:
            g.add((concept, SKOS.altLabel, Literal(name, lang="en")))
        if notation in arabic:
            g.add((concept, SKOS.prefLabel, Literal(arabic[notation], lang="ar")))
        g.add((concept, SKOS.inScheme, scheme))
        broader = parent(notation, codes)
        if broader is None:
            g.add((concept, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, concept))
        else:
            g.add((concept, SKOS.broader, CAMEO[broader]))
        for mapping in code.mappings:
            g.add((concept, SKOS.broadMatch, PLOVER[mapping.type]))
            note = mapping.scope_note()
            if note:
                g.add((concept, SKOS.scopeNote, Literal(note, lang="en")))
        for remark in code.remarks:
            g.add((concept, SKOS.editorialNote, Literal(f"Remark in {source_name}: {remark}", lang="en")))
        for note in code.notes:
            g.add((concept, SKOS.editorialNote, Literal(note, lang="en")))
    return g


HEADER = """\
# CAMEO event codes as a SKOS concept scheme (cameo:CAMEO), each skos:broadMatch to its
# PLOVER event type (plover:PLOVER), with English and Arabic labels.
#
# GENERATED by ontology/make_cameo.py: do not edit by hand; edit the script or
# ontology/cameo_ar.tsv (the Arabic labels) and run it again.
#
# Source: {source}, the CAMEO-to-PLOVER conversion table of the PLOVER project,
# https://github.com/openeventdata/PLOVER, licensed CC BY-SA 4.0
# (https://creativecommons.org/licenses/by-sa/4.0/); this file, derived from it, is
# under the same license. The names of the root codes and the codes of roots 01 and 02,
# which the table lacks, are from the CAMEO 1.1b3 codebook (Schrodt 2012).

"""


class SortedTurtle(TurtleSerializer):
    """rdflib's Turtle serializer, writing the two schemes first and then every concept
    in IRI order (cameo:01, cameo:010, ..., plover:ACCUSE, ...), rather than in order of
    how often a subject is referred to, so that a change to one code is a local diff."""

    topClasses = [SKOS.ConceptScheme, SKOS.Concept]


def render(graph: Graph, source_name: str) -> str:
    out = io.BytesIO()
    SortedTurtle(graph).serialize(out, encoding="utf-8")
    return HEADER.format(source=source_name) + out.getvalue().decode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help="CAMEO2PLOVER table (default: ../shared/data/cameo/CAMEO2PLOVER-2021.txt "
                             "relative to the repository)")
    parser.add_argument("--arabic", type=Path, default=DEFAULT_ARABIC,
                        help="code<TAB>Arabic label file (default: ontology/cameo_ar.tsv)")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT,
                        help="Turtle file to write (default: ontology/cameo.ttl)")
    args = parser.parse_args(argv)

    codes, header = parse_table(args.source)
    add_codebook(codes)
    arabic = read_arabic(args.arabic)
    missing = sorted(set(codes) - set(arabic))
    if missing:
        warn(f"{len(missing)} codes have no Arabic label: {' '.join(missing)}")
    graph = build_graph(codes, arabic, header, args.source.name)
    args.output.write_text(render(graph, args.source.name), encoding="utf-8")
    print(f"make_cameo: wrote {len(codes)} CAMEO concepts "
          f"({len(codes) - len(missing)} with Arabic labels) to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
