"""Extracts the OneNote part of Microsoft Graph's v1.0 CSDL into spec/graph/onenote-csdl.xml.

Usage: python3 spec/graph/extract.py CLEAN_METADATA_XML COMMIT > spec/graph/onenote-csdl.xml

CLEAN_METADATA_XML is clean_v10_metadata/cleanMetadata.xml of github.com/microsoftgraph/
msgraph-metadata at COMMIT. The output keeps each element's text exactly as the source has it,
in the source's order, inside the source's own Edmx/Schema envelope:

- the types reachable from `onenote` (the `onenote` navigation property of users, groups and
  sites) through base types, properties and navigation properties;
- every action and function bound to one of those entity types (or a collection of them),
  with the types their parameters and return types reach.

`entity` (the root of every Graph entity, which holds `id`) is kept as the base it is; the
actions and functions bound to `entity` or `operation` alone are Graph-wide, not OneNote's,
and are left out.
"""

import re
import sys
import xml.etree.ElementTree as ET

EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
NAMESPACE = "microsoft.graph"
ROOT = "onenote"
# Bound operations on these are not OneNote's own (Graph binds many to every entity).
GRAPH_WIDE = {"entity", "operation"}
TYPE_TAGS = ("EnumType", "ComplexType", "EntityType")
OPERATION_TAGS = ("Action", "Function")


def type_name(reference):
    """`Collection(graph.notebook)` or `graph.notebook` -> `notebook`; None outside the schema."""
    match = re.fullmatch(r"(?:Collection\()?(?:graph|microsoft\.graph)\.(\w+)\)?", reference or "")
    return match.group(1) if match else None


def element_spans(text, start, end):
    """(tag, name, binding, first line, last line) of each top-level element of the schema body."""
    lines = text.splitlines()
    spans = []
    index = start
    while index < end:
        line = lines[index]
        opening = re.match(r"\s{6}<(\w+) Name=\"([^\"]+)\"", line)
        if not opening:
            index += 1
            continue
        tag, name = opening.groups()
        last = index
        if not line.rstrip().endswith("/>"):
            while not re.match(rf"\s{{6}}</{tag}>", lines[last]):
                last += 1
        binding = None
        for inner in lines[index : last + 1]:
            parameter = re.search(r'<Parameter Name="bindingParameter" Type="([^"]+)"', inner)
            if parameter:
                binding = type_name(parameter.group(1))
                break
        spans.append((tag, name, binding, index, last))
        index = last + 1
    return lines, spans


def references(element):
    """Names of the schema's types an element refers to (base type, properties, parameters)."""
    found = set()
    base = element.get("BaseType")
    if base:
        found.add(type_name(base))
    for child in element.iter():
        for attribute in ("Type",):
            name = type_name(child.get(attribute))
            if name:
                found.add(name)
    found.discard(None)
    return found


def main(path, commit):
    text = open(path, encoding="utf-8-sig").read()
    tree = ET.fromstring(text)
    schema = next(s for s in tree.iter(f"{EDM}Schema") if s.get("Namespace") == NAMESPACE)
    types = {e.get("Name"): e for e in schema if e.tag[len(EDM) :] in TYPE_TAGS}
    operations = [e for e in schema if e.tag[len(EDM) :] in OPERATION_TAGS]

    def closure(names):
        seen = set()
        todo = list(names)
        while todo:
            name = todo.pop()
            if name in seen or name not in types:
                continue
            seen.add(name)
            todo.extend(references(types[name]))
        return seen

    kept_types = closure({ROOT})
    entity_types = {n for n in kept_types if types[n].tag == f"{EDM}EntityType"} - GRAPH_WIDE
    kept_operations = set()
    for operation in operations:
        binding = next(
            (p for p in operation.iter(f"{EDM}Parameter") if p.get("Name") == "bindingParameter"),
            None,
        )
        if binding is not None and type_name(binding.get("Type")) in entity_types:
            kept_operations.add((operation.tag[len(EDM) :], operation.get("Name"), type_name(binding.get("Type"))))
            kept_types |= closure(references(operation))

    lines, spans = element_spans(text, *schema_lines(text))
    out = [
        "<!--",
        "  The OneNote part of Microsoft Graph's v1.0 metadata (CSDL), extracted by",
        "  spec/graph/extract.py from clean_v10_metadata/cleanMetadata.xml of",
        f"  github.com/microsoftgraph/msgraph-metadata at commit {commit}.",
        "  Elements are copied as they are, in the source's order. Not copied: the entity",
        "  container, and the navigation property by which graph.user, graph.group and graph.site",
        '  each reach this part: <NavigationProperty Name="onenote" Type="graph.onenote"',
        '  ContainsTarget="true" />. See spec/graph/README.md.',
        "-->",
        lines[0].lstrip("\ufeff"),
    ]
    out.append(lines[1])
    out.append(lines[2])
    for tag, name, binding, first, last in spans:
        keep = (tag in TYPE_TAGS and name in kept_types) or (
            tag in OPERATION_TAGS and (tag, name, binding) in kept_operations
        )
        if keep:
            out.extend(lines[first : last + 1])
    out.append("    </Schema>")
    out.append("  </edmx:DataServices>")
    out.append("</edmx:Edmx>")
    sys.stdout.write("\n".join(out) + "\n")


def schema_lines(text):
    """The line range of the microsoft.graph schema's body."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if f'Namespace="{NAMESPACE}"' in line)
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "</Schema>")
    return start + 1, end


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
