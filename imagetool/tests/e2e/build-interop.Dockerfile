FROM bb
ENV A=1 B="two words"
WORKDIR /w
COPY a.txt sub/ ./
RUN echo ran > /w/ran && rm /bin/vi
USER 1000
EXPOSE 8080
LABEL k=v
VOLUME /v
STOPSIGNAL SIGINT
ENTRYPOINT ["sh", "-c"]
CMD ["cat /w/ran"]
