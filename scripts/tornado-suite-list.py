"""Lists the test functions of Tornado's own test suite, as JSON, for the ported-suite ledger.

Reads every *_test.py file of the installed tornado.test package (or the folder given as the first
argument) with the ast module and prints {"folder": ..., "tests": ["file.py::Class::test_name", ...]}:
every method named test_* defined in the body of a module-level class, each definition counted once
(a method that a base class defines is listed under that class only, however many subclasses run
it; classes defined inside a test function are fixtures of that test, not tests of the suite).
"""

import ast
import json
import os
import sys


def test_folder():
    if len(sys.argv) > 1:
        return sys.argv[1]
    import tornado.test

    return tornado.test.__path__[0]


def main():
    folder = test_folder()
    names = []
    for file_name in sorted(os.listdir(folder)):
        if not file_name.endswith("_test.py"):
            continue
        with open(os.path.join(folder, file_name), encoding="utf-8") as source:
            tree = ast.parse(source.read(), filename=file_name)
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test_"):
                    names.append("%s::%s::%s" % (file_name, node.name, item.name))
    duplicates = sorted(name for name in set(names) if names.count(name) > 1)
    if duplicates:
        sys.exit("test functions defined twice under one name: %s" % ", ".join(duplicates))
    json.dump({"folder": folder, "tests": sorted(names)}, sys.stdout, indent=0)


main()
