# The restmcp image: the static binary on distroless, as a non-root user.
# The release builds it (dockers_v2 in .goreleaser.yaml puts each platform's
# binary under <os>/<arch>/); to build the image by hand:
#
#   CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -ldflags='-s -w' -o linux/amd64/restmcp ./cmd/restmcp
#   docker buildx build --platform linux/amd64 -t restmcp .
#   docker run -p 8080:8080 -v "$PWD/openapi.yaml:/etc/restmcp/openapi.yaml:ro" restmcp \
#     serve --http :8080 --spec /etc/restmcp/openapi.yaml --base-url https://api.example.com
#
# Each caller sends its own API key; the image holds none. See docs/http.md.
FROM gcr.io/distroless/static-debian12:nonroot
ARG TARGETPLATFORM
COPY $TARGETPLATFORM/restmcp /usr/local/bin/restmcp
# The copy of a description read from a URL is kept here.
ENV RESTMCP_CONFIG_DIR=/tmp/restmcp
# nonroot:nonroot, by number so that Kubernetes can check runAsNonRoot.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/restmcp"]
CMD ["serve", "--http", ":8080", "--spec", "/etc/restmcp/openapi.yaml"]
