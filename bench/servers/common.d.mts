// Types of common.mjs, for the TypeScript parts of the benchmark (run.ts, template-render.ts).
import type { Server } from "node:net";

export declare const port: number;
export declare const routeCount: number;
export declare const jsonBody: { message: string };
export declare const plainText: string;
export declare const minimalText: string;
export declare const minimalJson: { name: string; age: number; good: boolean; motto: string };
export declare const routeIndexes: number[];
export declare const templateDir: string;
export declare const viewsDir: string;
export declare const staticDir: string;
export declare const cookieSecret: string;
export declare const cookieValue: string;
export declare const pageData: {
  title: string;
  site: string;
  footer: string;
  rows: { id: number; name: string; email: string; active: boolean }[];
};
export declare function ready(server: Server): void;
