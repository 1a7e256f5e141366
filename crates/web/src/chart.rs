//! Charts drawn on the server as SVG (no scripts), each with a title for screen readers; the
//! pages put the same numbers in a table beside them.

use plotters::prelude::*;

/// One series of a bar chart: its name, colour and one value per label.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub color: (u8, u8, u8),
    pub values: Vec<f64>,
}

/// Grouped bars, one group per label, as an SVG document.
pub fn bars(title: &str, labels: &[String], series: &[Series]) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let max = series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .fold(0.0_f64, f64::max)
            .max(1.0);
        let groups = labels.len().max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(28)
            .y_label_area_size(40)
            .build_cartesian_2d(-0.5..groups as f64 - 0.5, 0.0..max * 1.1)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .x_labels(groups)
            .x_label_formatter(&|x| {
                if x.fract().abs() < 0.01 && *x >= 0.0 {
                    labels.get(x.round() as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .draw()
            .map_err(|e| e.to_string())?;
        let width = 0.8 / series.len().max(1) as f64;
        for (k, s) in series.iter().enumerate() {
            let color = RGBColor(s.color.0, s.color.1, s.color.2);
            chart
                .draw_series(s.values.iter().enumerate().map(|(i, v)| {
                    let x0 = i as f64 - 0.4 + k as f64 * width;
                    Rectangle::new([(x0, 0.0), (x0 + width, *v)], color.filled())
                }))
                .map_err(|e| e.to_string())?
                .label(s.name.clone())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 4), (x + 10, y + 4)], color.filled())
                });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    // A title element makes the drawing speak its purpose to screen readers.
    let escaped = title.replace('&', "&amp;").replace('<', "&lt;");
    Ok(svg.replacen(
        '>',
        &format!(" role=\"img\" aria-label=\"{escaped}\"><title>{escaped}</title>"),
        1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_come_out_as_titled_svg_with_escaped_labels() {
        let labels: Vec<String> = ["T1", "T2", "<T3>"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let svg = bars(
            "Hoạt động & đoàn",
            &labels,
            &[Series {
                name: "Đoàn ra".into(),
                color: (179, 38, 30),
                values: vec![1.0, 3.0, 2.0],
            }],
        )
        .expect("chart");
        assert!(
            svg.starts_with("<svg") && svg.contains("<title>Hoạt động &amp; đoàn</title>"),
            "{}",
            &svg[..200.min(svg.len())]
        );
        assert!(
            svg.contains("&lt;T3&gt;") && !svg.contains("<T3>"),
            "labels are escaped"
        );
        assert!(svg.matches("<rect").count() >= 3, "a bar per value");
    }
}
