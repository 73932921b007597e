/** The template page in Hono's JSX: a layout component, a 100-row loop, escaped values. */
const Layout = ({ title, site, footer, children }) => (
  <html lang="en">
    <head>
      <title>{title}</title>
    </head>
    <body>
      <header>{site}</header>
      {children}
      <footer>{footer}</footer>
    </body>
  </html>
);

const Page = ({ title, site, footer, rows }) => (
  <Layout title={title} site={site} footer={footer}>
    <table>
      {rows.map((row) => (
        <tr>
          <td>{row.id}</td>
          <td>{row.name}</td>
          <td>{row.email}</td>
          {row.active ? <td>yes</td> : <td>no</td>}
        </tr>
      ))}
    </table>
  </Layout>
);

/** The page for `data`, for `c.html()`. */
export const renderPage = (data) => <Page {...data} />;
