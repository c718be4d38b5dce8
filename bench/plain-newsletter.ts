/**
 * A plain MJML newsletter of about 28 KB once compiled: masthead, intro,
 * a few article blocks with headings, a button, a two-column block and a
 * footer, with no briefwire templates involved. The benchmark's baseline (b):
 * what the mjml CLI costs for an ordinary newsletter of that size.
 */
export function plainNewsletter(week: number): string {
  const para = (n: number) =>
    `Week ${week}, note ${n}: cloud providers in the region kept adjusting prices and model line-ups, and analysts revised their estimates of the market's size and of each provider's share as new filings and surveys arrived.`;
  const article = (n: number) => `
    <mj-section background-color="#ffffff" padding="8px 0">
      <mj-column>
        <mj-text font-size="20px" font-weight="700" color="#0d1117">Story ${n} of week ${week}</mj-text>
        <mj-text font-size="16px" line-height="1.55" color="#1f2328">${para(n)} ${para(n + 1)}</mj-text>
        <mj-text font-size="16px" line-height="1.55" color="#1f2328">${para(n + 2)}</mj-text>
      </mj-column>
    </mj-section>`;
  return `<mjml>
  <mj-head>
    <mj-title>Plain newsletter, week ${week}</mj-title>
    <mj-preview>The week in cloud markets, week ${week}</mj-preview>
    <mj-attributes><mj-all font-family="Helvetica, Arial, sans-serif" /></mj-attributes>
    <mj-style>.footer a { color: #57606a; }</mj-style>
  </mj-head>
  <mj-body background-color="#f3f4f6" width="600px">
    <mj-section background-color="#0b2545" padding="16px 0">
      <mj-column><mj-text color="#ffffff" font-size="22px" font-weight="700">Plain Weekly</mj-text></mj-column>
    </mj-section>
    ${Array.from({ length: 8 }, (_, i) => article(i * 3 + 1)).join('')}
    <mj-section background-color="#ffffff">
      <mj-column><mj-text>${para(90)}</mj-text></mj-column>
      <mj-column><mj-text>${para(91)}</mj-text></mj-column>
    </mj-section>
    <mj-section background-color="#ffffff">
      <mj-column><mj-button href="https://example.com/archive" background-color="#0b5cad">Read the archive</mj-button></mj-column>
    </mj-section>
    <mj-section padding="16px 0 24px">
      <mj-column><mj-text css-class="footer" font-size="12px" color="#57606a" align="center">You subscribed to Plain Weekly. <a href="https://example.com/unsubscribe">Unsubscribe</a></mj-text></mj-column>
    </mj-section>
  </mj-body>
</mjml>
`;
}
