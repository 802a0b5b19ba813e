"""Scrolling views clipped by a scissor instead of a stencil.

Kivy's ScrollView (and so its RecycleView) is a StencilView: it clips its content by drawing its
rectangle into a stencil buffer. On the bench's software renderer (Mesa llvmpipe) the first
stencil brings a depth-stencil buffer and stencil variants of every shader: the initiatives list
cost 41 MiB more than the same screen clipped by a scissor (benchmarks/kiosk_app.py). Every
kiosk view is an upright rectangle in window space, which is all a scissor clips to. The kv rule
(common.kv) replaces Kivy's ScrollView rule: the same bars, a scissor where the stencil was.
"""
from __future__ import annotations

from kivy.uix.recycleview import RecycleView
from kivy.uix.scrollview import ScrollView


class ClipScrollView(ScrollView):
    pass


class ClipRecycleView(RecycleView, ClipScrollView):
    pass
