-- The query mix of bench/search_http.py for wrk (a load generator in C), so that the client costs the
-- server machine nothing: wrk -t2 -c10 -d30s --latency -s bench/search_mix.lua http://127.0.0.1:8000
paths = {
 "/api/v1/postings/search?q=manager&semantic=false",
 "/api/v1/postings/search?q=nurse&semantic=false",
 "/api/v1/postings/search?q=engineer&semantic=false",
 "/api/v1/postings/search?q=%EA%B0%84%ED%98%B8&semantic=false",
 "/api/v1/postings/search?q=%EA%B4%80%EB%A6%AC&semantic=false",
 "/api/v1/postings/search?q=%22software+developer%22&semantic=false",
 "/api/v1/postings/search?q=%EA%B0%84%ED%98%B8&region=Seoul&employment_type=full_time&semantic=false",
 "/api/v1/postings/search?q=manager&region=London&salary_min=30000&semantic=false",
 "/api/v1/postings/search?sort=date",
 "/api/v1/postings/search?q=nurse&near=Leeds&radius_km=20&sort=distance&semantic=false",
 "/api/v1/postings/search?q=%EA%B0%84%ED%98%B8%EC%82%AC",
 "/api/v1/postings/search?q=nurse",
 "/api/v1/postings/search?q=welder",
}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
