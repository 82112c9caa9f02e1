"""Repair what WeasyPrint's structure tree gets wrong for PDF/UA-1, with pikepdf, reproducibly."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

#: The children PDF/UA allows in a list (L) and in a list item (LI).
_LIST_KIDS = frozenset({"/L", "/LI", "/Caption"})
_ITEM_KIDS = frozenset({"/Lbl", "/LBody"})


def repair_structure(pdf: bytes, *, object_streams: bool = True) -> bytes:
    """Return the PDF with table scopes, list items and link annotations tagged as PDF/UA asks.

    object_streams=False writes every object on its own, as PDF/A validators read best.
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = document.Root.get("/StructTreeRoot")
        if root is None:
            return pdf
        elements = list(_elements(root))
        for element in elements:
            kind = str(element.get("/S"))
            if kind == "/TH":
                _set_scope(element)
            elif kind == "/TD":
                _drop_empty_headers(element)
            elif kind == "/L":
                _wrap_kids(document, element, _LIST_KIDS, ("/LI", "/LBody"))
            elif kind == "/LI":
                _wrap_kids(document, element, _ITEM_KIDS, ("/LBody",))
        _move_links(document, elements)
        _merge_empty_links(document, elements)
        if not object_streams:
            _no_stream_ends_in_cr(document)
        out = io.BytesIO()
        # Fixed IDs and no timestamps: the same input gives the same bytes.
        document.save(
            out,
            static_id=True,
            # WeasyPrint deflates its streams already; for PDF/A nothing is compressed again,
            # so a stream written as hex stays hex.
            compress_streams=object_streams,
            recompress_flate=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            # PDF/A-2 and 3 allow object streams, but page-validation misreads their /Length;
            # elsewhere they keep the briefing a third of the size.
            object_stream_mode=pikepdf.ObjectStreamMode.generate
            if object_streams
            else pikepdf.ObjectStreamMode.disable,
        )
        return out.getvalue()


def _kids(element: Any) -> list[Any]:
    """Return an element's /K as a list (structure elements, MCIDs and object references)."""
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(node: Any) -> bool:
    """Tell whether a kid is a structure element rather than content or an annotation."""
    import pikepdf

    return isinstance(node, pikepdf.Dictionary) and "/S" in node


def _elements(root: Any) -> Iterator[Any]:
    """Walk the structure tree depth first, parents before their children."""
    pending = [kid for kid in reversed(_kids(root)) if _is_element(kid)]
    while pending:
        element = pending.pop()
        yield element
        pending += [kid for kid in reversed(_kids(element)) if _is_element(kid)]


def _set_scope(cell: Any) -> None:
    """Give a header cell a /Scope: Row when its row holds data cells, else Column."""
    import pikepdf

    row = cell.get("/P")
    kinds = {str(kid.get("/S")) for kid in _kids(row) if _is_element(kid)} if row else set()
    attributes = cell.get("/A")
    if attributes is None:
        attributes = cell.A = pikepdf.Dictionary(O=pikepdf.Name.Table)
    attributes.Scope = pikepdf.Name.Row if "/TD" in kinds else pikepdf.Name.Column


def _drop_empty_headers(cell: Any) -> None:
    """Remove an empty /Headers list, so a reader finds the headers from the table's layout."""
    attributes = cell.get("/A")
    if attributes is not None and "/Headers" in attributes and len(attributes.Headers) == 0:
        del attributes["/Headers"]


def _new_element(document: Any, kind: str, parent: Any, kids: list[Any]) -> Any:
    """Create a structure element of a kind under parent holding kids, re-parenting them."""
    import pikepdf

    element = document.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name(kind), P=parent)
    )
    if "/Pg" in parent:
        element.Pg = parent.Pg
    element.K = pikepdf.Array(kids)
    for kid in kids:
        if _is_element(kid):
            kid.P = element
    return element


def _wrap_kids(document: Any, element: Any, allowed: frozenset[str], wrappers: tuple) -> None:
    """Wrap each run of children a list or list item may not hold in the allowed elements."""
    import pikepdf

    kept: list[Any] = []
    stray: list[Any] = []
    for kid in [*_kids(element), None]:
        if kid is not None and not (_is_element(kid) and str(kid.S) in allowed):
            stray.append(kid)
            continue
        if stray:
            outer = _new_element(document, wrappers[0], element, [])
            inner = outer
            for kind in wrappers[1:]:
                inner = _new_element(document, kind, outer, [])
                outer.K = pikepdf.Array([inner])
            inner.K = pikepdf.Array(stray)
            for moved in stray:
                if _is_element(moved):
                    moved.P = inner
            _reparent_content(document, stray, inner)
            kept.append(outer)
            stray = []
        if kid is not None:
            kept.append(kid)
    element.K = pikepdf.Array(kept)


def _reparent_content(document: Any, kids: list[Any], element: Any) -> None:
    """Point the parent tree at element for marked content moved into it."""
    mcids = [int(kid) for kid in kids if isinstance(kid, int)]
    if not mcids:
        return
    page = element.get("/Pg")
    key = page.get("/StructParents") if page is not None else None
    tree = _parent_tree(document)
    if key is None or key not in tree:
        return
    for mcid in mcids:
        tree[key][mcid] = element


def _parent_tree(document: Any) -> dict[int, Any]:
    """Return the parent tree's flat /Nums as a mapping of keys to their values."""
    nums = document.Root.StructTreeRoot.ParentTree.get("/Nums", [])
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def _move_links(document: Any, elements: list[Any]) -> None:
    """Move each link annotation's reference from a Span or NonStruct into its Link ancestor."""
    import pikepdf

    tree = document.Root.StructTreeRoot.ParentTree.get("/Nums")
    for element in elements:
        if str(element.S) == "/Link":
            continue
        references = [k for k in _kids(element) if _is_reference(k)]
        link = _ancestor(element, "/Link") if references else None
        if link is None:
            continue
        element.K = pikepdf.Array([k for k in _kids(element) if not _is_reference(k)])
        link.K = pikepdf.Array([*_kids(link), *references])
        for reference in references:
            key = reference.Obj.get("/StructParent")
            if key is not None and tree is not None:
                _set_num(tree, int(key), link)


def _has_content(element: Any) -> bool:
    """Tell whether an element or any element below it holds marked content (text)."""
    return any(
        isinstance(kid, int) or (_is_element(kid) and _has_content(kid)) for kid in _kids(element)
    )


def _is_link(kid: Any) -> bool:
    """Tell whether a kid is a Link structure element."""
    return _is_element(kid) and str(kid.S) == "/Link"


def _merge_empty_links(document: Any, elements: list[Any]) -> None:
    """Fold a text-less Link (one line box of a wrapped link) into the Link beside it."""
    import pikepdf

    tree = document.Root.StructTreeRoot.ParentTree.get("/Nums")
    for element in elements:
        kids = _kids(element)
        dropped: set[int] = set()
        for index, kid in enumerate(kids):
            if not _is_link(kid) or _has_content(kid):
                continue
            beside = [kids[i] for i in (index - 1, index + 1) if 0 <= i < len(kids)]
            target = next((k for k in beside if _is_link(k) and _has_content(k)), None)
            if target is None:
                continue
            references = [k for k in _kids(kid) if _is_reference(k)]
            target.K = pikepdf.Array([*_kids(target), *references])
            for reference in references:
                key = reference.Obj.get("/StructParent")
                if key is not None and tree is not None:
                    _set_num(tree, int(key), target)
            dropped.add(index)
        if dropped:
            element.K = pikepdf.Array([k for i, k in enumerate(kids) if i not in dropped])


def _is_reference(kid: Any) -> bool:
    """Tell whether a kid is an object reference (an annotation), not content or an element."""
    import pikepdf

    return isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"


def _ancestor(element: Any, kind: str) -> Any:
    """Return the nearest ancestor of a kind, or None."""
    parent = element.get("/P")
    while parent is not None and "/S" in parent:
        if str(parent.S) == kind:
            return parent
        parent = parent.get("/P")
    return None


def _set_num(nums: Any, key: int, value: Any) -> None:
    """Set one key of a flat number tree's /Nums array."""
    for i in range(0, len(nums), 2):
        if int(nums[i]) == key:
            nums[i + 1] = value
            return


def _no_stream_ends_in_cr(document: Any) -> None:
    """Hex-encode any stream whose deflated bytes would end in a carriage return.

    PDF/A validators take a CR before the line feed that precedes 'endstream' for part of
    an end-of-line marker and then find /Length one byte too long. A deflated stream ends
    in the Adler-32 checksum of its content, whatever the compression level, so the ones
    whose checksum ends in 0x0D are written as hex text instead, which ends in '>'.
    """
    import zlib

    import pikepdf

    for obj in document.objects:
        if not isinstance(obj, pikepdf.Stream) or "/DecodeParms" in obj:
            continue
        filters = obj.get("/Filter")
        names = list(filters) if isinstance(filters, pikepdf.Array) else [filters]
        if names not in ([None], [pikepdf.Name.FlateDecode]):
            continue
        data = obj.read_bytes()
        if zlib.adler32(data) & 0xFF == 0x0D:
            obj.write(data.hex().encode() + b">", filter=pikepdf.Name.ASCIIHexDecode)
