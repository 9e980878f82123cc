package io.pulse.ingest.http;

import io.pulse.common.problem.ProblemResponses;
import io.pulse.common.problem.Problems;
import io.pulse.ingest.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Events per second per caller, as a token bucket that may go into debt: a request is let in while its caller has
 * tokens left and pays for the events it held once they are counted, since a streamed body's size is known only
 * at its end. A caller in debt is told when it will be out of it.
 */
@ApplicationScoped
public class CallerRates {

    private final double rate;
    private final double burst;
    private final Map<String, Allowance> callers = new ConcurrentHashMap<>();

    public CallerRates(IngestConfig config) {
        this.rate = config.callerRate();
        this.burst = config.callerBurst();
    }

    /** Ends the request with 429 and Retry-After if {@code caller} is over its rate. */
    public void admit(String caller) {
        double tokens = allowance(caller).tokens(System.nanoTime());
        if (tokens <= 0) {
            long seconds = Math.max(1, (long) Math.ceil(-tokens / rate));
            throw Problems.overLimit(429, "rate-limited", "Too many events", "this caller sent more than " + (long) rate
                    + " events per second on average; retry in " + seconds + " s", (long) rate, "pulse.ingest.caller-rate")
                    .with(ProblemResponses.RETRY_AFTER_SECONDS, seconds).exception();
        }
    }

    /** Charges {@code caller} for {@code events} it sent. */
    public void charge(String caller, long events) {
        allowance(caller).take(System.nanoTime(), events);
    }

    private Allowance allowance(String caller) {
        return callers.computeIfAbsent(caller, c -> new Allowance(burst, System.nanoTime()));
    }

    private final class Allowance {
        private double tokens;
        private long refilledAt;

        Allowance(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }

        synchronized double tokens(long now) {
            tokens = Math.min(burst, tokens + (now - refilledAt) * rate / 1e9);
            refilledAt = now;
            return tokens;
        }

        synchronized void take(long now, long events) {
            tokens(now);
            tokens -= events;
        }
    }
}
