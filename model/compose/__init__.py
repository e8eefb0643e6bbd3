"""The composition: a lab's machine instances as one world, its properties, and the check run.

`world` composes the declarations into the generic checker's `Model`; `properties` states the
requirements over worlds; `checking` runs the checker on a lab and its variants.
"""
