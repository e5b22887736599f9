# syntax=docker/dockerfile:1
ARG BASE=bb
FROM ${BASE} AS build
ARG VERSION=1.0
ENV APP=/app \
    GREETING="hello world"
WORKDIR $APP
COPY a.txt .
COPY sub/ ./sub/
COPY --chown=1:2 --chmod=600 a.txt /owned
COPY *.txt /glob/
ADD arch.tgz /extracted/
RUN echo "version $VERSION $GREETING" > out.txt
RUN <<EOT
echo "heredoc in $PWD"
EOT
COPY <<EOF /etc/conf
app=${APP}
EOF

FROM scratch AS unused
RUN false

FROM bb AS final
LABEL org.example.a=yes "org.example.b"="two words"
EXPOSE 80 53/udp
USER 1000:1000
VOLUME /data
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --retries=3 CMD ["true"]
SHELL ["/bin/sh", "-ec"]
ONBUILD RUN echo triggered
COPY --from=build /app/out.txt /out.txt
ENTRYPOINT ["cat"]
CMD ["/out.txt"]
