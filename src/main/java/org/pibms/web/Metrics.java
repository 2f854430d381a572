package org.pibms.web;

import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.function.Consumer;
import org.pibms.core.ActiveFault;
import org.pibms.core.FaultId;
import org.pibms.core.LoopTiming;
import org.pibms.core.PackSnapshot;
import org.pibms.core.SnapshotSource;

/**
 * The pack for Prometheus, read from the latest snapshot when scraped: nothing is counted on the
 * control thread, so scraping never touches the tick. Base SI units as Prometheus names them
 * (volts, amperes, celsius, seconds); a reading that is not valid is left out rather than sent
 * as a number that would look real.
 */
final class Metrics {

    private Metrics() {
    }

    /**
     * Serves a registry in OpenMetrics when the scraper accepts it (Prometheus does), else in
     * Prometheus's classic text format.
     */
    static HttpHandler handler(PrometheusRegistry registry) {
        PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
        OpenMetricsTextFormatWriter openMetrics = OpenMetricsTextFormatWriter.create();
        return exchange -> {
            String accept = exchange.getRequestHeaders().getFirst("Accept");
            ExpositionFormatWriter writer = openMetrics.accepts(accept) ? openMetrics : text;
            ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
            writer.write(body, registry.scrape(), EscapingScheme.fromAcceptHeader(accept));
            Http.send(exchange, 200, writer.getContentType(), body.toByteArray());
        };
    }

    static PrometheusRegistry registry(SnapshotSource snapshots, LoopTiming loop) {
        PrometheusRegistry registry = new PrometheusRegistry();
        gauge(registry, "pibms_cell_voltage_volts", "Cell voltage; cell 1 is the bottom cell.", snapshots, (s, cb) -> {
            if (s.cellVoltagesValid()) {
                int[] cells = s.cellVoltages_mV();
                for (int i = 0; i < s.cellCount(); i++) {
                    cb.call(cells[i] / 1000.0, Integer.toString(i + 1));
                }
            }
        }, "cell");
        gauge(registry, "pibms_pack_voltage_volts", "Voltage across the battery terminals.", snapshots, (s, cb) -> {
            if (s.packVoltageValid()) {
                cb.call(s.packVoltage_mV() / 1000.0);
            }
        });
        gauge(registry, "pibms_current_amperes", "Pack current, charge positive.", snapshots, (s, cb) -> {
            if (s.currentValid()) {
                cb.call(s.current_mA() / 1000.0);
            }
        });
        gauge(registry, "pibms_soc_ratio", "State of charge, 0 to 1.", snapshots, (s, cb) -> {
            if (s.socValid()) {
                cb.call(s.soc_pct() / 100.0);
            }
        });
        gauge(registry, "pibms_soh_ratio", "State of health: learned capacity over the nameplate.", snapshots,
                (s, cb) -> {
                    if (s.socValid()) {
                        cb.call(s.soh_pct() / 100.0);
                    }
                });
        gauge(registry, "pibms_temperature_celsius", "Temperature per configured sensor.", snapshots, (s, cb) -> {
            List<String> names = s.temperatureNames();
            for (int i = 0; i < names.size(); i++) {
                if (s.temperatureValid(i)) {
                    cb.call(s.temperature_dC(i) / 10.0, names.get(i));
                }
            }
        }, "sensor");
        gauge(registry, "pibms_mos_on", "1 while the MOSFET path conducts.", snapshots, (s, cb) -> {
            cb.call(s.chargeMos() ? 1 : 0, "charge");
            cb.call(s.dischargeMos() ? 1 : 0, "discharge");
        }, "path");
        gauge(registry, "pibms_fault_active", "1 for each fault, warning or alarm now active; all table rows listed.",
                snapshots, (s, cb) -> {
                    for (FaultId id : FaultId.values()) {
                        boolean active = false;
                        for (ActiveFault fault : s.faults()) {
                            active |= fault.id() == id;
                        }
                        cb.call(active ? 1 : 0, id.id(), id.severity().id());
                    }
                }, "fault", "severity");
        gauge(registry, "pibms_charge_limit_amperes", "What the inverter is told it may use: charge (CCL) and"
                + " discharge (DCL) current.", snapshots, (s, cb) -> {
                    cb.call(s.ccl_mA() / 1000.0, "charge");
                    cb.call(s.dcl_mA() / 1000.0, "discharge");
                }, "direction");
        gauge(registry, "pibms_charge_voltage_limit_volts", "What the inverter is told to charge to (CVL).",
                snapshots, (s, cb) -> cb.call(s.cvl_mV() / 1000.0));
        gauge(registry, "pibms_balancing_cells", "Cells bleeding now.", snapshots,
                (s, cb) -> cb.call(Long.bitCount(s.balancingMask())));
        counter(registry, "pibms_control_ticks", "Control loop ticks run.", () -> loop.ticks());
        counter(registry, "pibms_control_overruns", "Deadlines skipped because a tick ran past its period.",
                () -> loop.overruns());
        counter(registry, "pibms_control_tick_seconds", "Time spent in ticks; over pibms_control_ticks_total it is the"
                + " mean tick duration.", () -> loop.tickTimeTotal_ns() / 1e9);
        GaugeWithCallback.builder().name("pibms_control_tick_last_seconds").help("The latest tick's duration.")
                .callback(cb -> cb.call(loop.lastTick_ns() / 1e9)).register(registry);
        GaugeWithCallback.builder().name("pibms_control_tick_longest_seconds").help("The longest tick since start.")
                .callback(cb -> cb.call(loop.longestTick_ns() / 1e9)).register(registry);
        return registry;
    }

    /** A gauge drawn from one snapshot per scrape. */
    private interface FromSnapshot {
        void read(PackSnapshot snapshot, GaugeWithCallback.Callback callback);
    }

    private static void gauge(PrometheusRegistry registry, String name, String help, SnapshotSource snapshots,
            FromSnapshot read, String... labels) {
        Consumer<GaugeWithCallback.Callback> callback = cb -> read.read(snapshots.latest(), cb);
        GaugeWithCallback.builder().name(name).help(help).labelNames(labels).callback(callback).register(registry);
    }

    private interface Count {
        double value();
    }

    private static void counter(PrometheusRegistry registry, String name, String help, Count count) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(count.value())).register(registry);
    }
}
