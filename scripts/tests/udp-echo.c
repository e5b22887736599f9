/* The network tests' UDP peer (busybox's nc here has no -u): `udp-echo
 * serve PORT` answers each datagram with "udp-ok"; `udp-echo send IP PORT`
 * sends one and prints the answer (exit 1 after 3 s without one). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    char buf[64];
    if (fd < 0)
        return 1;
    if (argc == 3 && strcmp(argv[1], "serve") == 0) {
        a.sin_port = htons((unsigned short)atoi(argv[2]));
        if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0)
            return 1;
        for (;;) {
            struct sockaddr_in from;
            socklen_t len = sizeof from;
            if (recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len) >= 0)
                sendto(fd, "udp-ok", 6, 0, (struct sockaddr *)&from, len);
        }
    }
    if (argc != 4 || strcmp(argv[1], "send") != 0 || inet_pton(AF_INET, argv[2], &a.sin_addr) != 1)
        return 2;
    a.sin_port = htons((unsigned short)atoi(argv[3]));
    struct timeval tv = {.tv_sec = 3};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (sendto(fd, "hi", 2, 0, (struct sockaddr *)&a, sizeof a) < 0)
        return 1;
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    if (n < 0)
        return 1;
    buf[n] = '\0';
    printf("%s\n", buf);
    return 0;
}
