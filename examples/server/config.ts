// The tutorial's config.py: settings as a plain module, imported by server06.ts without the options
// module.
export const options = {
  port: 8080,
  list: ["good", "nice", "handsome"],
};
