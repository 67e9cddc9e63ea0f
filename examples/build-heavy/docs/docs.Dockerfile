# A two-stage build: the site is "generated" in one stage and copied into
# the final one (target: site in compose.yaml).
FROM berth-test/busybox:latest AS generate
COPY pages /pages
RUN mkdir /out && for p in /pages/*.txt; do \
        { echo "<pre>"; cat "$p"; echo "</pre>"; } > "/out/$(basename "$p" .txt).html"; \
    done

FROM berth-test/busybox:latest AS site
COPY --from=generate /out /www
CMD ["httpd", "-f", "-p", "8001", "-h", "/www"]
