// Tornado's options_test_types.cfg as a tornado-ts module config: values of the options' types
// (a Date, a number of seconds for a timedelta, a list of integers).
export const str = "asdf";
export const basestring = "qwer";
export const int = 42;
export const float = 1.5;
export const datetime = new Date(2013, 3, 28, 5, 16);
export const timedelta = 45;
export const list_of_int = [1, 2, 3];
