/*
 * squares_client: the native reference client for PiSquareBench. One connection, POSIX sockets on
 * loopback only; every square is verified (exit 4 on the first wrong one).
 *
 *   --mode lockstep: send n, wait for its square, repeat; the round trip of each measured request is
 *                    timed with clock_gettime(CLOCK_MONOTONIC); prints count, mean, p50, p90, p99,
 *                    p99.9, min, max (microseconds) and the rate. Both dialects.
 *   --mode pipeline: newline-framed only; keeps --window requests in flight and counts squares/s.
 *   --dialect textbook: greets "Hi there!", expects "Hello. Nice to see you.", then bare digits each way
 *                       (a reply that is a proper prefix of the expected square is read on, as
 *                       PiSquareClient does);
 *   --dialect lines: greets "HELLO squares/1\n", expects a "WELCOME ..." line, sends "n\n", expects
 *                    "n*n\n", ends with "BYE\n" and checks the server's "BYE <count>" (--no-greeting
 *                    skips both, for a server that speaks bare lines).
 *   --poll busy: every receive is a recv(MSG_DONTWAIT) loop instead of a blocking recv().
 *   --total-only (lockstep): no clock read and no store per round trip, only the run's total time and
 *                            rate, as a plain client does (the percentiles are not printed).
 *
 *   squares_client --port P [--host 127.0.0.1] [--dialect lines|textbook] [--mode lockstep|pipeline]
 *                  [--window W] [--count N] [--warmup N] [--start S] [--poll block|busy]
 *                  [--timeout SECONDS] [--stall SECONDS] [--no-greeting] [--json] [--samples FILE]
 *                  [--total-only]
 *
 * --samples FILE (lockstep) also writes every measured round trip, in nanoseconds, as native-endian
 * uint64 values in request order, so that a caller can pool the samples of several runs.
 * The first --warmup requests are sent and verified but not measured. Bounded: the whole run may
 * last --timeout seconds (default 600), and each reply may take --stall seconds (default 10).
 * Exit codes: 0 all verified, 2 cannot connect, 3 protocol error, 4 wrong square, 5 timeout,
 * 6 refused (ERR), 7 connection lost, 64 bad command line.
 */
#define _GNU_SOURCE
#include "squares_common.h"

#include <math.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/time.h>
#include <unistd.h>

#define IN_CAP 65536

static int g_busy;
static int g_stall_seconds = 10;
static uint64_t g_deadline;

struct inbuf
{
    char data[IN_CAP];
    size_t start;
    size_t end;
};

static struct inbuf g_in;

static void fail(int code, const char *what)
{
    fprintf(stderr, "squares_client: %s\n", what);
    exit(code);
}

static void check_deadline(void)
{
    if (now_ns() > g_deadline)
    {
        fail(EXIT_TIMEOUT, "the run took longer than --timeout");
    }
}

/* Receives at least one byte into buf; exits on a timeout, an error, or the end of the stream. */
static size_t recv_some(int fd, char *buf, size_t cap)
{
    if (!g_busy)
    {
        for (;;)
        {
            ssize_t n = recv(fd, buf, cap, 0);
            if (n > 0)
            {
                return (size_t)n;
            }
            if (n == 0)
            {
                fail(EXIT_LOST, "the server closed the connection");
            }
            if (errno == EINTR)
            {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK)
            {
                fail(EXIT_TIMEOUT, "no reply within --stall seconds");
            }
            fail(EXIT_LOST, strerror(errno));
        }
    }

    uint64_t stall = now_ns() + (uint64_t)g_stall_seconds * 1000000000ull;
    for (unsigned spins = 1;; spins++)
    {
        ssize_t n = recv(fd, buf, cap, MSG_DONTWAIT);
        if (n > 0)
        {
            return (size_t)n;
        }
        if (n == 0)
        {
            fail(EXIT_LOST, "the server closed the connection");
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        {
            fail(EXIT_LOST, strerror(errno));
        }
        if ((spins & 1023u) == 0)
        {
            uint64_t now = now_ns();
            if (now > stall)
            {
                fail(EXIT_TIMEOUT, "no reply within --stall seconds");
            }
            if (now > g_deadline)
            {
                fail(EXIT_TIMEOUT, "the run took longer than --timeout");
            }
        }
    }
}

static void send_all(int fd, const char *buf, size_t len)
{
    while (len > 0)
    {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n > 0)
        {
            buf += n;
            len -= (size_t)n;
        }
        else if (!(n < 0 && errno == EINTR))
        {
            fail(EXIT_LOST, n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? "send stalled for --stall seconds" : strerror(errno));
        }
    }
}

/* The next line of the stream (without LF and one CR before it), from the buffered input. */
static const char *read_line(int fd, size_t *len)
{
    for (;;)
    {
        char *nl = memchr(g_in.data + g_in.start, '\n', g_in.end - g_in.start);
        if (nl != NULL)
        {
            const char *line = g_in.data + g_in.start;
            size_t n = (size_t)(nl - line);
            g_in.start += n + 1;
            if (n > 0 && line[n - 1] == '\r')
            {
                n--;
            }
            *len = n;
            return line;
        }
        if (g_in.start > 0)
        {
            memmove(g_in.data, g_in.data + g_in.start, g_in.end - g_in.start);
            g_in.end -= g_in.start;
            g_in.start = 0;
        }
        if (g_in.end == IN_CAP)
        {
            fail(EXIT_PROTOCOL, "a server line is longer than 64 KiB");
        }
        g_in.end += recv_some(fd, g_in.data + g_in.end, IN_CAP - g_in.end);
    }
}

static void refused(const char *line, size_t n)
{
    fprintf(stderr, "squares_client: the server answered '%.*s'\n", (int)(n > 200 ? 200 : n), line);
    exit(EXIT_REFUSED);
}

static void verify_line(const char *line, size_t n, int64_t request)
{
    unsigned __int128 got;
    if (parse_u128(line, n, &got) != 0)
    {
        if (n >= 4 && memcmp(line, "ERR ", 4) == 0)
        {
            refused(line, n);
        }
        fprintf(stderr, "squares_client: unexpected reply to %lld: '%.*s'\n", (long long)request, (int)(n > 200 ? 200 : n), line);
        exit(EXIT_PROTOCOL);
    }
    if (got != square_of(request))
    {
        fprintf(stderr, "squares_client: wrong square for %lld: '%.*s'\n", (long long)request, (int)(n > 200 ? 200 : n), line);
        exit(EXIT_MISMATCH);
    }
}

/* One textbook reply: read until it equals the expected digits; a proper prefix means more is on its way. */
static void textbook_reply(int fd, const char *expected, size_t expected_len, int64_t request)
{
    char got[256];
    size_t len = 0;
    for (;;)
    {
        len += recv_some(fd, got + len, sizeof got - len);
        if (len == expected_len && memcmp(got, expected, len) == 0)
        {
            return;
        }
        if (len < expected_len && memcmp(got, expected, len) == 0)
        {
            continue;
        }
        if (len >= 3 && memcmp(got, "ERR", 3) == 0)
        {
            refused(got, len);
        }
        fprintf(stderr, "squares_client: wrong reply to %lld: '%.*s', expected '%.*s'\n", (long long)request, (int)len, got, (int)expected_len, expected);
        exit(EXIT_MISMATCH);
    }
}

static void greet(int fd, int textbook)
{
    if (textbook)
    {
        send_all(fd, TEXTBOOK_GREETING, sizeof TEXTBOOK_GREETING - 1);
        char got[64];
        size_t len = 0;
        const size_t want = sizeof TEXTBOOK_REPLY - 1;
        while (len < want)
        {
            len += recv_some(fd, got + len, want - len);
            if (memcmp(got, TEXTBOOK_REPLY, len) != 0)
            {
                if (len >= 4 && memcmp(got, "ERR ", 4) == 0)
                {
                    refused(got, len);
                }
                fail(EXIT_PROTOCOL, "unexpected textbook greeting from the server");
            }
        }
        return;
    }
    send_all(fd, FRAMED_HELLO, sizeof FRAMED_HELLO - 1);
    size_t n;
    const char *line = read_line(fd, &n);
    if (n >= 4 && memcmp(line, "ERR ", 4) == 0)
    {
        refused(line, n);
    }
    if (n < 8 || memcmp(line, "WELCOME ", 8) != 0)
    {
        fail(EXIT_PROTOCOL, "the server did not answer HELLO with WELCOME");
    }
}

static void say_goodbye(int fd, long long expected)
{
    send_all(fd, "BYE\n", 4);
    size_t n;
    const char *line = read_line(fd, &n);
    long long counted = -1;
    if (n < 5 || memcmp(line, "BYE ", 4) != 0 || sscanf(line + 4, "%lld", &counted) != 1)
    {
        fprintf(stderr, "squares_client: unexpected answer to BYE: '%.*s'\n", (int)(n > 200 ? 200 : n), line);
        exit(EXIT_PROTOCOL);
    }
    if (counted != expected)
    {
        fprintf(stderr, "squares_client: the server counted %lld squares, the client verified %lld\n", counted, expected);
        exit(EXIT_PROTOCOL);
    }
}

static void lockstep(int fd, int textbook, int64_t first, long total, long warmup, uint64_t *rtt)
{
    char request[32];
    char expected[48];
    for (long i = 0; i < total; i++)
    {
        int64_t v = first + i;
        size_t len = format_i64(v, request);
        if (!textbook)
        {
            request[len++] = '\n';
        }
        uint64_t t0 = rtt != NULL ? now_ns() : 0;
        send_all(fd, request, len);
        if (textbook)
        {
            size_t elen = format_u128(square_of(v), expected);
            textbook_reply(fd, expected, elen, v);
        }
        else
        {
            size_t n;
            const char *line = read_line(fd, &n);
            verify_line(line, n, v);
        }
        if (rtt != NULL && i >= warmup)
        {
            rtt[i - warmup] = now_ns() - t0;
        }
        if ((i & 1023) == 0)
        {
            check_deadline();
        }
    }
}

/* Newline-framed requests first..first+n-1 with up to `window` in flight. */
static void pipeline(int fd, int64_t first, long n, long window)
{
    size_t cap = (size_t)(window + 1) * 24 + 64;
    char *out = malloc(cap);
    if (out == NULL)
    {
        fail(1, "out of memory");
    }
    size_t opos = 0;
    size_t olen = 0;
    long sent = 0;
    long done = 0;
    uint64_t last_progress = now_ns();
    while (done < n)
    {
        if (opos > 0)
        {
            memmove(out, out + opos, olen - opos);
            olen -= opos;
            opos = 0;
        }
        while (sent < n && sent - done < window && olen + 24 <= cap)
        {
            olen += format_i64(first + sent, out + olen);
            out[olen++] = '\n';
            sent++;
        }
        if (opos < olen)
        {
            ssize_t k = send(fd, out + opos, olen - opos, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (k > 0)
            {
                opos += (size_t)k;
            }
            else if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            {
                fail(EXIT_LOST, strerror(errno));
            }
        }

        /* Read whatever replies have come; without busy polling, wait in poll() (for room to send too) or recv(). */
        int readable = 1;
        if (!g_busy && opos < olen)
        {
            struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT, .revents = 0};
            int r = poll(&p, 1, g_stall_seconds * 1000);
            if (r == 0)
            {
                fail(EXIT_TIMEOUT, "no progress within --stall seconds");
            }
            readable = r > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
        }
        if (readable)
        {
            if (g_in.start > 0)
            {
                memmove(g_in.data, g_in.data + g_in.start, g_in.end - g_in.start);
                g_in.end -= g_in.start;
                g_in.start = 0;
            }
            ssize_t got;
            if (g_busy || opos < olen)
            {
                got = recv(fd, g_in.data + g_in.end, IN_CAP - g_in.end, MSG_DONTWAIT);
            }
            else
            {
                got = (ssize_t)recv_some(fd, g_in.data + g_in.end, IN_CAP - g_in.end);
            }
            if (got == 0)
            {
                fail(EXIT_LOST, "the server closed the connection");
            }
            if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            {
                fail(EXIT_LOST, strerror(errno));
            }
            if (got > 0)
            {
                g_in.end += (size_t)got;
                for (;;)
                {
                    char *nl = memchr(g_in.data + g_in.start, '\n', g_in.end - g_in.start);
                    if (nl == NULL)
                    {
                        break;
                    }
                    const char *line = g_in.data + g_in.start;
                    size_t len = (size_t)(nl - line);
                    g_in.start += len + 1;
                    if (len > 0 && line[len - 1] == '\r')
                    {
                        len--;
                    }
                    if (done >= sent)
                    {
                        fail(EXIT_PROTOCOL, "a reply arrived for a request not sent");
                    }
                    verify_line(line, len, first + done);
                    done++;
                }
                if (g_in.end - g_in.start == IN_CAP)
                {
                    fail(EXIT_PROTOCOL, "a server line is longer than 64 KiB");
                }
                last_progress = now_ns();
            }
            else if (g_busy)
            {
                static unsigned spins;
                if ((++spins & 1023u) == 0 && now_ns() - last_progress > (uint64_t)g_stall_seconds * 1000000000ull)
                {
                    fail(EXIT_TIMEOUT, "no progress within --stall seconds");
                }
            }
        }
        if ((done & 1023) == 0)
        {
            check_deadline();
        }
    }
    free(out);
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
static double percentile_us(const uint64_t *sorted, long n, double q)
{
    long rank = (long)ceil(q * (double)n);
    if (rank < 1)
    {
        rank = 1;
    }
    if (rank > n)
    {
        rank = n;
    }
    return (double)sorted[rank - 1] / 1000.0;
}

static void usage(void)
{
    fprintf(stderr, "usage: squares_client --port P [--host 127.0.0.1|::1] [--dialect lines|textbook] [--mode lockstep|pipeline]\n"
                    "                      [--window W] [--count N] [--warmup N] [--start S] [--poll block|busy]\n"
                    "                      [--timeout SECONDS] [--stall SECONDS] [--no-greeting] [--json] [--samples FILE] [--total-only]\n");
    exit(EXIT_USAGE);
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    int port = -1;
    int textbook = 0;
    int pipelined = 0;
    long window = 1;
    long count = 100000;
    long warmup = 0;
    int64_t start = 0;
    long timeout = 600;
    int greeting = 1;
    int json = 0;
    int total_only = 0;
    const char *samples = NULL;
    for (int i = 1; i < argc; i++)
    {
        const char *a = argv[i];
        if (strcmp(a, "--no-greeting") == 0)
        {
            greeting = 0;
            continue;
        }
        if (strcmp(a, "--json") == 0)
        {
            json = 1;
            continue;
        }
        if (strcmp(a, "--total-only") == 0)
        {
            total_only = 1;
            continue;
        }
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL)
        {
            usage();
        }
        i++;
        if (strcmp(a, "--host") == 0)
        {
            host = v;
        }
        else if (strcmp(a, "--port") == 0)
        {
            port = (int)parse_long_arg(a, v, 1, 65535);
        }
        else if (strcmp(a, "--dialect") == 0)
        {
            textbook = strcmp(v, "textbook") == 0 ? 1 : strcmp(v, "lines") == 0 ? 0 : (usage(), 0);
        }
        else if (strcmp(a, "--mode") == 0)
        {
            pipelined = strcmp(v, "pipeline") == 0 ? 1 : strcmp(v, "lockstep") == 0 ? 0 : (usage(), 0);
        }
        else if (strcmp(a, "--window") == 0)
        {
            window = parse_long_arg(a, v, 1, 1000000);
        }
        else if (strcmp(a, "--count") == 0)
        {
            count = parse_long_arg(a, v, 1, 1000000000L);
        }
        else if (strcmp(a, "--warmup") == 0)
        {
            warmup = parse_long_arg(a, v, 0, 1000000000L);
        }
        else if (strcmp(a, "--start") == 0)
        {
            start = parse_long_arg(a, v, -1000000000000000L, 1000000000000000L);
        }
        else if (strcmp(a, "--poll") == 0)
        {
            g_busy = strcmp(v, "busy") == 0 ? 1 : strcmp(v, "block") == 0 ? 0 : (usage(), 0);
        }
        else if (strcmp(a, "--timeout") == 0)
        {
            timeout = parse_long_arg(a, v, 1, 86400);
        }
        else if (strcmp(a, "--samples") == 0)
        {
            samples = v;
        }
        else if (strcmp(a, "--stall") == 0)
        {
            g_stall_seconds = (int)parse_long_arg(a, v, 1, 3600);
        }
        else
        {
            usage();
        }
    }
    if (port < 0 || (pipelined && textbook))
    {
        usage(); /* The textbook dialect has no message boundaries: lockstep only. */
    }
    g_deadline = now_ns() + (uint64_t)timeout * 1000000000ull;

    struct sockaddr_storage addr;
    socklen_t addr_len;
    if (loopback_address(host, port, &addr, &addr_len) != 0)
    {
        fprintf(stderr, "squares_client: '%s' is not a loopback address (127.0.0.0/8 or ::1)\n", host);
        return EXIT_USAGE;
    }
    int fd = socket(addr.ss_family, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, addr_len) != 0)
    {
        perror("squares_client: cannot connect");
        return EXIT_CONNECT;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval stall = {.tv_sec = g_stall_seconds, .tv_usec = 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &stall, sizeof stall);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &stall, sizeof stall);

    if (greeting)
    {
        greet(fd, textbook);
    }

    uint64_t *rtt = NULL;
    uint64_t t0;
    uint64_t t1;
    if (pipelined)
    {
        pipeline(fd, start, warmup, window);
        t0 = now_ns();
        pipeline(fd, start + warmup, count, window);
        t1 = now_ns();
    }
    else if (total_only)
    {
        /* No clock and no store per round trip: the run's total time only, as a plain client. */
        lockstep(fd, textbook, start, warmup, warmup, NULL);
        t0 = now_ns();
        lockstep(fd, textbook, start + warmup, count, 0, NULL);
        t1 = now_ns();
    }
    else
    {
        rtt = malloc((size_t)count * sizeof *rtt);
        if (rtt == NULL)
        {
            fail(1, "out of memory");
        }
        lockstep(fd, textbook, start, warmup, warmup, rtt);
        t0 = now_ns();
        lockstep(fd, textbook, start + warmup, count, 0, rtt);
        t1 = now_ns();
    }
    if (greeting && !textbook)
    {
        say_goodbye(fd, (long long)warmup + count);
    }
    close(fd);

    double elapsed = (double)(t1 - t0) / 1e9;
    double rate = (double)count / elapsed;
    const char *dialect = textbook ? "textbook" : "lines";
    const char *mode = pipelined ? "pipeline" : "lockstep";
    const char *poll_mode = g_busy ? "busy" : "block";
    if (rtt == NULL)
    {
        if (json)
        {
            printf("{\"dialect\":\"%s\",\"mode\":\"%s\",\"poll\":\"%s\",\"window\":%ld,\"count\":%ld,\"warmup\":%ld,\"elapsed_s\":%.6f,\"rate\":%.1f}\n",
                   dialect, mode, poll_mode, window, count, warmup, elapsed, rate);
        }
        else
        {
            printf("%s %s (%s poll), window %ld: %ld squares verified in %.3f s, %.0f squares/s\n", dialect, mode, poll_mode, window, count, elapsed, rate);
        }
        return 0;
    }

    if (samples != NULL)
    {
        FILE *f = fopen(samples, "wb");
        if (f == NULL || fwrite(rtt, sizeof *rtt, (size_t)count, f) != (size_t)count || fclose(f) != 0)
        {
            perror("squares_client: cannot write --samples");
            return 1;
        }
    }

    double sum = 0;
    for (long i = 0; i < count; i++)
    {
        sum += (double)rtt[i];
    }
    qsort(rtt, (size_t)count, sizeof *rtt, compare_u64);
    double mean = sum / (double)count / 1000.0;
    double p50 = percentile_us(rtt, count, 0.50);
    double p90 = percentile_us(rtt, count, 0.90);
    double p99 = percentile_us(rtt, count, 0.99);
    double p999 = percentile_us(rtt, count, 0.999);
    double min = (double)rtt[0] / 1000.0;
    double max = (double)rtt[count - 1] / 1000.0;
    if (json)
    {
        printf("{\"dialect\":\"%s\",\"mode\":\"%s\",\"poll\":\"%s\",\"window\":1,\"count\":%ld,\"warmup\":%ld,\"elapsed_s\":%.6f,\"rate\":%.1f,"
               "\"mean_us\":%.3f,\"p50_us\":%.3f,\"p90_us\":%.3f,\"p99_us\":%.3f,\"p999_us\":%.3f,\"min_us\":%.3f,\"max_us\":%.3f}\n",
               dialect, mode, poll_mode, count, warmup, elapsed, rate, mean, p50, p90, p99, p999, min, max);
    }
    else
    {
        printf("%s lockstep (%s poll): %ld squares verified in %.3f s, %.0f squares/s; RTT mean %.2f us, p50 %.2f, p99 %.2f, p99.9 %.2f, max %.2f\n",
               dialect, poll_mode, count, elapsed, rate, mean, p50, p99, p999, max);
    }
    free(rtt);
    return 0;
}
