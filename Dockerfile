# wijkwerken serve as a container: a static binary with the reference
# rulebook embedded, run as a non-root user on a distroless base (no shell,
# no package manager). Build from the repository's root:
#
#   docker build -t wijkwerken .
#   docker run --rm -p 8080:8080 wijkwerken
#
# Flags after the image name replace the defaults below, e.g.
#   docker run --rm -p 8080:8080 -v $PWD/tokens:/etc/wijkwerken/tokens:ro \
#     wijkwerken serve --addr :8080 --tokens /etc/wijkwerken/tokens

FROM golang:1.24-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Static (no cgo), reproducible paths; the VCS revision is stamped when the
# build context holds .git (see docs/serve.md).
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/wijkwerken ./cmd/wijkwerken \
 && /out/wijkwerken lint

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/wijkwerken /usr/local/bin/wijkwerken
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/wijkwerken"]
CMD ["serve", "--addr", ":8080"]
