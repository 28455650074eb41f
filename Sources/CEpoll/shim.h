// Glibc's Swift module leaves out epoll, eventfd and timerfd; this header-only module brings them in.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/socket.h>
// accept4 is declared only under _GNU_SOURCE, which would change sockaddr signatures; declare it here.
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
