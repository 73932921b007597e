// Tornado's options_test.cfg as a tornado-ts module config: `my_path` is this file's path, as
// Python's `__file__` is in Tornado's config file.
export const port = 443;
export const username = "李康";
export const foo_bar = "a";
export const my_path = import.meta.filename;
