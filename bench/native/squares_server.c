/*
 * squares_server: the native reference server for PiSquareBench. One thread, one connection at a
 * time, POSIX sockets on loopback only. It speaks
 *   - the textbook dialect (--mode textbook): every read() is one message; the first is the greeting
 *     ("Hi there!", answered "Hello. Nice to see you."), each later one a decimal integer answered with
 *     its square as bare digits;
 *   - newline-framed integers (--mode lines): "n\n" -> "n*n\n" for 64-bit n (the square in __int128),
 *     every complete line of a read answered with one write, so pipelined clients are served in
 *     batches; "HELLO squares/1..." is answered "WELCOME squares/1 ...", "BYE" with "BYE <count>", so
 *     PiSquareClient can drive it;
 *   - auto (default): the first bytes decide ("Hi" -> textbook, anything else -> lines).
 * --poll busy replaces every blocking recv()/send() with a MSG_DONTWAIT loop: the machine's floor.
 * --poll epoll serves many connections at once from one thread (non-blocking sockets, epoll), in the
 *   lines dialect only: the native reference for the concurrent-clients scenarios.
 *
 *   squares_server [--bind 127.0.0.1] [--port 0] [--mode auto|textbook|lines] [--poll block|busy|epoll]
 *                  [--connections N (0 = no limit)] [--lifetime SECONDS] [--idle SECONDS]
 *
 * Prints "Listening on port <n>" once bound. Bounded: it exits after N connections, SIGALRM ends it
 * after --lifetime seconds (default 1800), and a connection silent for --idle seconds (default 30) is closed.
 */
#define _GNU_SOURCE
#include "squares_common.h"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <unistd.h>

enum mode
{
    MODE_AUTO,
    MODE_TEXTBOOK,
    MODE_LINES
};

#define IN_CAP 65536
/* A line is at least 2 bytes ("0\n") and its reply at most 40 ("<39 digits>\n"), a WELCOME about 50. */
#define OUT_CAP (IN_CAP * 24 + 256)

static int g_busy;
static int g_epoll;
static int g_idle_seconds = 30;
static char g_in[IN_CAP];
static char g_out[OUT_CAP];

static ssize_t recv_some(int fd, char *buf, size_t cap)
{
    if (!g_busy)
    {
        ssize_t n;
        do
        {
            n = recv(fd, buf, cap, 0);
        } while (n < 0 && errno == EINTR);
        return n; /* SO_RCVTIMEO expiring gives -1 (EAGAIN): the connection is dropped. */
    }

    uint64_t deadline = now_ns() + (uint64_t)g_idle_seconds * 1000000000ull;
    for (unsigned spins = 1;; spins++)
    {
        ssize_t n = recv(fd, buf, cap, MSG_DONTWAIT);
        if (n >= 0)
        {
            return n;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        {
            return -1;
        }
        if ((spins & 1023u) == 0 && now_ns() > deadline)
        {
            errno = ETIMEDOUT;
            return -1;
        }
    }
}

static int send_all(int fd, const char *buf, size_t len)
{
    uint64_t deadline = 0;
    unsigned spins = 0;
    while (len > 0)
    {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL | (g_busy ? MSG_DONTWAIT : 0));
        if (n > 0)
        {
            buf += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && (errno == EINTR || (g_busy && (errno == EAGAIN || errno == EWOULDBLOCK))))
        {
            if (deadline == 0)
            {
                deadline = now_ns() + (uint64_t)g_idle_seconds * 1000000000ull;
            }
            if ((++spins & 1023u) == 0 && now_ns() > deadline)
            {
                return -1;
            }
            continue;
        }
        return -1;
    }
    return 0;
}

/* shutdown(SHUT_WR), then read and discard until the peer closes or 1 s passes, as PiSquareServer does. */
static void close_gracefully(int fd)
{
    shutdown(fd, SHUT_WR);
    struct timeval one = {.tv_sec = 1, .tv_usec = 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &one, sizeof one);
    uint64_t deadline = now_ns() + 1000000000ull;
    char sink[4096];
    while (now_ns() < deadline)
    {
        ssize_t n = recv(fd, sink, sizeof sink, 0);
        if (n <= 0 && !(n < 0 && errno == EINTR))
        {
            break;
        }
    }
}

/* Appends the answer to one request (digits only, or a textbook ERR) at out; returns the bytes written. */
static size_t answer(const char *p, size_t n, char *out, int *ok)
{
    while (n > 0 && is_space((unsigned char)p[0]))
    {
        p++;
        n--;
    }
    while (n > 0 && is_space((unsigned char)p[n - 1]))
    {
        n--;
    }
    int64_t v;
    if (n == 0)
    {
        *ok = 0;
        memcpy(out, "ERR 401 empty request", 21);
        return 21;
    }
    if (parse_int64(p, n, &v) != 0)
    {
        *ok = 0;
        memcpy(out, "ERR 400 not an integer", 22);
        return 22;
    }
    *ok = 1;
    return format_u128(square_of(v), out);
}

static void serve_textbook(int fd, size_t n)
{
    /* The first message is the greeting, whatever it holds (as in the book); a number sent in the same bytes is answered too. */
    size_t len = sizeof TEXTBOOK_REPLY - 1;
    memcpy(g_out, TEXTBOOK_REPLY, len);
    size_t skip = sizeof TEXTBOOK_GREETING - 1;
    if (n > skip && memcmp(g_in, TEXTBOOK_GREETING, skip) == 0)
    {
        size_t rest = n - skip;
        const char *p = g_in + skip;
        while (rest > 0 && is_space((unsigned char)*p))
        {
            p++;
            rest--;
        }
        if (rest > 0)
        {
            int ok;
            len += answer(p, rest, g_out + len, &ok);
        }
    }
    if (send_all(fd, g_out, len) != 0)
    {
        return;
    }

    for (;;)
    {
        ssize_t got = recv_some(fd, g_in, IN_CAP);
        if (got <= 0)
        {
            return;
        }
        int ok;
        len = answer(g_in, (size_t)got, g_out, &ok);
        if (send_all(fd, g_out, len) != 0)
        {
            return;
        }
    }
}

static void serve_lines(int fd, size_t filled)
{
    static const char welcome[] = "WELCOME squares/1 max-digits=18 max-line=8192\n";
    int greeted = 0;
    long long count = 0;
    for (;;)
    {
        size_t start = 0;
        size_t out = 0;
        for (;;)
        {
            char *nl = memchr(g_in + start, '\n', filled - start);
            if (nl == NULL)
            {
                break;
            }
            const char *line = g_in + start;
            size_t n = (size_t)(nl - line);
            start += n + 1;
            if (n > 0 && line[n - 1] == '\r')
            {
                n--;
            }
            if (n >= 6 && memcmp(line, "HELLO ", 6) == 0)
            {
                if (greeted)
                {
                    memcpy(g_out + out, "ERR 404 already greeted\n", 24);
                    out += 24;
                }
                else
                {
                    memcpy(g_out + out, welcome, sizeof welcome - 1);
                    out += sizeof welcome - 1;
                    greeted = 1;
                }
                continue;
            }
            if (n == 3 && memcmp(line, "BYE", 3) == 0)
            {
                out += (size_t)sprintf(g_out + out, "BYE %lld\n", count);
                if (send_all(fd, g_out, out) == 0)
                {
                    close_gracefully(fd);
                }
                return;
            }
            int ok;
            out += answer(line, n, g_out + out, &ok);
            g_out[out++] = '\n';
            count += ok;
        }
        if (out > 0 && send_all(fd, g_out, out) != 0)
        {
            return;
        }
        memmove(g_in, g_in + start, filled - start);
        filled -= start;
        if (filled == IN_CAP)
        {
            static const char too_long[] = "ERR 501 line too long\n";
            if (send_all(fd, too_long, sizeof too_long - 1) == 0)
            {
                close_gracefully(fd);
            }
            return;
        }
        ssize_t got = recv_some(fd, g_in + filled, IN_CAP - filled);
        if (got <= 0)
        {
            return;
        }
        filled += (size_t)got;
    }
}

static void serve(int fd, enum mode mode)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval idle = {.tv_sec = g_idle_seconds, .tv_usec = 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &idle, sizeof idle);

    ssize_t got = recv_some(fd, g_in, IN_CAP);
    if (got <= 0)
    {
        return;
    }
    if (mode == MODE_AUTO)
    {
        mode = g_in[0] == 'H' && (got < 2 || g_in[1] == 'i') ? MODE_TEXTBOOK : MODE_LINES;
    }
    if (mode == MODE_TEXTBOOK)
    {
        serve_textbook(fd, (size_t)got);
    }
    else
    {
        serve_lines(fd, (size_t)got);
    }
}

/* ---------------------------------------------------------------- epoll: many connections, lines only */

#define E_IN_CAP 4096
#define E_OUT_CAP (E_IN_CAP * 24 + 256)

/* One connection: 4 KiB of input; output is written from a shared buffer, and only what a full socket
   buffer refuses is kept (pending), so 1,000 idle connections cost about 4 MiB. */
struct econn
{
    int fd;
    int greeted;
    int closing;
    long long count;
    size_t filled;
    char *pending;
    size_t ppos;
    size_t plen;
    char in[E_IN_CAP];
};

static char g_eout[E_OUT_CAP];

static void econn_close(int ep, struct econn *c)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->pending);
    free(c);
}

/* Answers every complete line buffered into out; returns -1 when the connection must close after its output. */
static int econn_process(struct econn *c, char *out, size_t *olen)
{
    static const char welcome[] = "WELCOME squares/1 max-digits=18 max-line=4096\n";
    size_t start = 0;
    size_t len = 0;
    int status = 0;
    for (;;)
    {
        char *nl = memchr(c->in + start, '\n', c->filled - start);
        if (nl == NULL)
        {
            break;
        }
        const char *line = c->in + start;
        size_t n = (size_t)(nl - line);
        start += n + 1;
        if (n > 0 && line[n - 1] == '\r')
        {
            n--;
        }
        if (n >= 6 && memcmp(line, "HELLO ", 6) == 0 && !c->greeted)
        {
            memcpy(out + len, welcome, sizeof welcome - 1);
            len += sizeof welcome - 1;
            c->greeted = 1;
            continue;
        }
        if (n == 3 && memcmp(line, "BYE", 3) == 0)
        {
            len += (size_t)sprintf(out + len, "BYE %lld\n", c->count);
            start = c->filled;
            status = -1;
            break;
        }
        int ok;
        len += answer(line, n, out + len, &ok);
        out[len++] = '\n';
        c->count += ok;
    }
    memmove(c->in, c->in + start, c->filled - start);
    c->filled -= start;
    if (status == 0 && c->filled == E_IN_CAP)
    {
        static const char too_long[] = "ERR 501 line too long\n";
        memcpy(out + len, too_long, sizeof too_long - 1);
        len += sizeof too_long - 1;
        status = -1;
    }
    *olen = len;
    return status;
}

/* Sends what it can of buf; keeps the rest as pending. Returns 1 when all is out, 0 when some is pending, -1 on an error. */
static int econn_send(struct econn *c, const char *buf, size_t len)
{
    size_t pos = 0;
    while (pos < len)
    {
        ssize_t n = send(c->fd, buf + pos, len - pos, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0)
        {
            pos += (size_t)n;
        }
        else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        {
            char *rest = malloc(len - pos);
            if (rest == NULL)
            {
                return -1;
            }
            memcpy(rest, buf + pos, len - pos);
            c->pending = rest;
            c->ppos = 0;
            c->plen = len - pos;
            return 0;
        }
        else if (!(n < 0 && errno == EINTR))
        {
            return -1;
        }
    }
    return 1;
}

/* Sends what is pending; returns as econn_send does. */
static int econn_flush(struct econn *c)
{
    if (c->pending == NULL)
    {
        return 1;
    }
    char *pending = c->pending;
    size_t ppos = c->ppos;
    size_t plen = c->plen;
    c->pending = NULL;
    int status = econn_send(c, pending + ppos, plen - ppos);
    free(pending);
    return status;
}

static void econn_event(int ep, struct econn *c)
{
    /* Pending output first: while replies wait, nothing more is read (the client must read them). */
    int flushed = econn_flush(c);
    while (flushed == 1 && !c->closing)
    {
        ssize_t got = recv(c->fd, c->in + c->filled, E_IN_CAP - c->filled, MSG_DONTWAIT);
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
        {
            econn_close(ep, c);
            return;
        }
        if (got < 0)
        {
            break;
        }
        c->filled += (size_t)got;
        size_t olen;
        c->closing = econn_process(c, g_eout, &olen) < 0;
        flushed = olen > 0 ? econn_send(c, g_eout, olen) : 1;
    }
    if (flushed < 0 || (flushed == 1 && c->closing))
    {
        econn_close(ep, c);
        return;
    }
    struct epoll_event ev = {.events = EPOLLIN | (flushed == 0 ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static int serve_epoll(int listener)
{
    int ep = epoll_create1(0);
    if (ep < 0 || fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK) != 0)
    {
        perror("squares_server: epoll");
        return 1;
    }
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, listener, &lev);
    struct epoll_event events[256];
    for (;;)
    {
        int n = epoll_wait(ep, events, 256, 1000);
        if (n < 0 && errno != EINTR)
        {
            perror("squares_server: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++)
        {
            struct econn *c = events[i].data.ptr;
            if (c != NULL)
            {
                econn_event(ep, c);
                continue;
            }
            for (;;)
            {
                int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
                if (fd < 0)
                {
                    break; /* EAGAIN: all accepted; EMFILE and the like: try again on the next event. */
                }
                int one = 1;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                struct econn *conn = calloc(1, sizeof *conn);
                if (conn == NULL)
                {
                    close(fd);
                    continue;
                }
                conn->fd = fd;
                struct epoll_event ev = {.events = EPOLLIN, .data.ptr = conn};
                epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
            }
        }
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: squares_server [--bind 127.0.0.1|::1] [--port 0] [--mode auto|textbook|lines] [--poll block|busy|epoll]\n"
                    "                      [--connections N] [--lifetime SECONDS] [--idle SECONDS]\n");
    exit(EXIT_USAGE);
}

int main(int argc, char **argv)
{
    const char *bind_to = "127.0.0.1";
    int port = 0;
    enum mode mode = MODE_AUTO;
    long connections = 0;
    long lifetime = 1800;
    for (int i = 1; i < argc; i++)
    {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL)
        {
            usage();
        }
        if (strcmp(a, "--bind") == 0)
        {
            bind_to = v;
        }
        else if (strcmp(a, "--port") == 0)
        {
            port = (int)parse_long_arg(a, v, 0, 65535);
        }
        else if (strcmp(a, "--mode") == 0)
        {
            mode = strcmp(v, "textbook") == 0 ? MODE_TEXTBOOK : strcmp(v, "lines") == 0 ? MODE_LINES : strcmp(v, "auto") == 0 ? MODE_AUTO : (usage(), MODE_AUTO);
        }
        else if (strcmp(a, "--poll") == 0)
        {
            g_busy = strcmp(v, "busy") == 0;
            g_epoll = strcmp(v, "epoll") == 0;
            if (!g_busy && !g_epoll && strcmp(v, "block") != 0)
            {
                usage();
            }
        }
        else if (strcmp(a, "--connections") == 0)
        {
            connections = parse_long_arg(a, v, 0, 1000000000L);
        }
        else if (strcmp(a, "--lifetime") == 0)
        {
            lifetime = parse_long_arg(a, v, 1, 86400);
        }
        else if (strcmp(a, "--idle") == 0)
        {
            g_idle_seconds = (int)parse_long_arg(a, v, 1, 3600);
        }
        else
        {
            usage();
        }
        i++;
    }

    signal(SIGPIPE, SIG_IGN);
    alarm((unsigned)lifetime); /* SIGALRM's default action ends the process: never outlive the benchmark. */

    struct sockaddr_storage addr;
    socklen_t addr_len;
    if (loopback_address(bind_to, port, &addr, &addr_len) != 0)
    {
        fprintf(stderr, "squares_server: '%s' is not a loopback address (127.0.0.0/8 or ::1)\n", bind_to);
        return EXIT_USAGE;
    }
    int listener = socket(addr.ss_family, SOCK_STREAM, 0);
    int one = 1;
    if (listener < 0 || setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(listener, (struct sockaddr *)&addr, addr_len) != 0 || listen(listener, 1024) != 0)
    {
        perror("squares_server: cannot listen");
        return 69;
    }
    if (getsockname(listener, (struct sockaddr *)&addr, &addr_len) != 0)
    {
        perror("squares_server: getsockname");
        return 69;
    }
    int bound = ntohs(addr.ss_family == AF_INET ? ((struct sockaddr_in *)&addr)->sin_port : ((struct sockaddr_in6 *)&addr)->sin6_port);
    printf("Listening on port %d\n", bound);
    fflush(stdout);
    if (g_epoll)
    {
        return serve_epoll(listener);
    }

    for (long served = 0; connections == 0 || served < connections; served++)
    {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0)
        {
            if (errno == EINTR || errno == ECONNABORTED)
            {
                served--;
                continue;
            }
            perror("squares_server: accept");
            return 1;
        }
        serve(fd, mode);
        close(fd);
    }
    close(listener);
    return 0;
}
