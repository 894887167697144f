/*
 * Shared helpers of the native reference peers (squares_server.c, squares_client.c): loopback-only
 * address parsing, 64-bit integer parsing, __int128 formatting, a monotonic clock in nanoseconds.
 * POSIX sockets, C11 + GNU extensions (__int128). Built with gcc -O2 by the Makefile beside this file
 * or by PiSquareBench itself; never commit the binaries.
 */
#ifndef SQUARES_COMMON_H
#define SQUARES_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define TEXTBOOK_GREETING "Hi there!"
#define TEXTBOOK_REPLY "Hello. Nice to see you."
#define FRAMED_HELLO "HELLO squares/1\n"

/* Exit codes shared by both peers (the client's follow PiSquareClient's where they overlap). */
enum
{
    EXIT_OK = 0,
    EXIT_USAGE = 64,
    EXIT_CONNECT = 2,
    EXIT_PROTOCOL = 3,
    EXIT_MISMATCH = 4,
    EXIT_TIMEOUT = 5,
    EXIT_REFUSED = 6,
    EXIT_LOST = 7,
};

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Fills *addr from a loopback literal (127.x.y.z or ::1); anything else is refused: these peers never leave the machine. */
static inline int loopback_address(const char *text, int port, struct sockaddr_storage *addr, socklen_t *len)
{
    memset(addr, 0, sizeof *addr);
    struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;
    if (inet_pton(AF_INET, text, &v4->sin_addr) == 1)
    {
        if ((ntohl(v4->sin_addr.s_addr) >> 24) != 127)
        {
            return -1;
        }
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof *v4;
        return 0;
    }
    if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1)
    {
        if (!IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr))
        {
            return -1;
        }
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof *v6;
        return 0;
    }
    return -1;
}

static inline int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Parses [+-]?[0-9]{1,19} that fits in int64_t; returns 0 on success, -1 otherwise. */
static inline int parse_int64(const char *p, size_t n, int64_t *out)
{
    size_t i = 0;
    int negative = 0;
    if (n == 0)
    {
        return -1;
    }
    if (p[0] == '+' || p[0] == '-')
    {
        negative = p[0] == '-';
        i = 1;
        if (n == 1)
        {
            return -1;
        }
    }
    uint64_t magnitude = 0;
    for (; i < n; i++)
    {
        unsigned d = (unsigned char)p[i] - '0';
        if (d > 9)
        {
            return -1;
        }
        if (__builtin_mul_overflow(magnitude, 10u, &magnitude) || __builtin_add_overflow(magnitude, d, &magnitude))
        {
            return -1;
        }
    }
    if (negative)
    {
        if (magnitude > (uint64_t)INT64_MAX + 1u)
        {
            return -1;
        }
        *out = (int64_t)(0u - magnitude);
    }
    else
    {
        if (magnitude > (uint64_t)INT64_MAX)
        {
            return -1;
        }
        *out = (int64_t)magnitude;
    }
    return 0;
}

/* The square of a 64-bit value: |v| <= 2^63, so v*v <= 2^126 fits an unsigned __int128. */
static inline unsigned __int128 square_of(int64_t v)
{
    unsigned __int128 m = v < 0 ? (unsigned __int128)(0u - (uint64_t)v) : (unsigned __int128)(uint64_t)v;
    return m * m;
}

/* Writes the decimal digits of v at dst (no terminator); returns how many (at most 39). */
static inline size_t format_u128(unsigned __int128 v, char *dst)
{
    char tmp[40];
    size_t n = 0;
    do
    {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v != 0);
    for (size_t i = 0; i < n; i++)
    {
        dst[i] = tmp[n - 1 - i];
    }
    return n;
}

/* Writes the decimal digits of a signed 64-bit value; returns how many (at most 20). */
static inline size_t format_i64(int64_t v, char *dst)
{
    size_t n = 0;
    uint64_t m = (uint64_t)v;
    if (v < 0)
    {
        dst[n++] = '-';
        m = 0u - m;
    }
    return n + format_u128(m, dst + n);
}

/* Parses 1..39 decimal digits into an unsigned __int128; returns 0 on success, -1 on anything else. */
static inline int parse_u128(const char *p, size_t n, unsigned __int128 *out)
{
    if (n == 0 || n > 39)
    {
        return -1;
    }
    unsigned __int128 v = 0;
    for (size_t i = 0; i < n; i++)
    {
        unsigned d = (unsigned char)p[i] - '0';
        if (d > 9)
        {
            return -1;
        }
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static inline long parse_long_arg(const char *name, const char *value, long min, long max)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || v < min || v > max)
    {
        fprintf(stderr, "bad value for %s: '%s' (expected %ld..%ld)\n", name, value, min, max);
        exit(EXIT_USAGE);
    }
    return v;
}

#endif
