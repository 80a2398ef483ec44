import { join } from 'node:path';
import ejs from 'ejs';
import { expect } from 'chai';
import { barChart, lineChart, niceScale } from '../../src/lib/charts.js';
import { viewsDir } from '../../src/lib/paths.js';

const render = (chart: unknown) =>
  ejs.renderFile(join(viewsDir, 'partials/chart.ejs'), { chart, t: (k: string) => k });

describe('server-side charts', () => {
  it('rounds the axis to a nice maximum', () => {
    expect(niceScale(87)).to.deep.equal({ max: 100, step: 20 });
    expect(niceScale(1234)).to.deep.equal({ max: 1250, step: 250 });
    expect(niceScale(0)).to.deep.equal({ max: 1, step: 0.2 });
  });

  it('breaks a line at missing months instead of drawing through them', () => {
    const chart = lineChart({
      title: 'Visitors',
      labels: ['Jan', 'Feb', 'Mar', 'Apr'],
      series: [
        { label: 'Actual', values: [10, null, 30, 40] },
        { label: 'Required', values: [20, 20, 20, 20], dashed: true },
      ],
    });
    const [actual, required] = chart.lines;
    expect(actual!.d.match(/M/g)).to.have.length(2);
    expect(actual!.points).to.have.length(3);
    expect(required!.dashed).to.equal(true);
    // Higher values sit higher (smaller y) on the plot.
    expect(actual!.points[2]!.y).to.be.lessThan(actual!.points[0]!.y);
    expect(chart.table.rows[1]).to.deep.equal(['Feb', '–', '20']);
  });

  it('draws one bar per value with heights proportional to the values', () => {
    const chart = barChart({
      title: 'Yearly',
      labels: ['2025', '2026'],
      series: [{ label: 'Total', values: [50, 100] }],
    });
    expect(chart.bars).to.have.length(2);
    expect(chart.bars[1]!.height).to.be.closeTo(chart.bars[0]!.height * 2, 0.2);
  });

  it('renders an SVG with a data table and escapes every label', async () => {
    const chart = lineChart({
      title: '<script>x</script>',
      labels: ['<b>Jan</b>'],
      series: [{ label: 'A&B', values: [5] }],
    });
    const html = await render(chart);
    expect(html).to.contain('<svg');
    expect(html).to.contain('<table');
    expect(html).to.not.contain('<script>x</script>');
    expect(html).to.contain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).to.contain('A&amp;B');
  });

  it('spaces legend items by their label so long labels do not overlap', () => {
    const chart = barChart({
      title: 'Yearly',
      labels: ['2025'],
      series: [
        { label: 'Actual (months recorded)', values: [5] },
        { label: 'Path target', values: [6] },
      ],
    });
    const [first, second] = chart.legend;
    // Swatch (24 px) and gap before the text (30 px), then the text itself.
    expect(second!.x).to.be.greaterThan(first!.x + 30 + 'Actual (months recorded)'.length * 6.5);
  });

  it('thins the x-axis labels and drops a last label that would overlap the one before it', () => {
    const months = (count: number) =>
      Array.from(
        { length: count },
        (_, i) => `${2023 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
      );
    const crowded = lineChart({ title: 'M', labels: months(60), series: [{ label: 'A', values: [1] }] });
    const shown = crowded.xLabels.map((l) => l.label);
    expect(shown.length).to.be.at.most(12);
    expect(shown).to.not.include('2027-12');
    const gaps = crowded.xLabels.slice(1).map((l, i) => l.x - crowded.xLabels[i]!.x);
    expect(Math.min(...gaps)).to.be.at.least(50);
    const few = lineChart({ title: 'M', labels: months(6), series: [{ label: 'A', values: [1] }] });
    expect(few.xLabels.map((l) => l.label)).to.deep.equal(months(6));
  });

  it('says there is no data instead of drawing an empty frame', async () => {
    const chart = lineChart({ title: 'Empty', labels: ['Jan'], series: [{ label: 'A', values: [null] }] });
    expect(chart.empty).to.equal(true);
    const html = await render(chart);
    expect(html).to.contain('charts.noData');
    expect(html).to.not.contain('<svg');
  });
});
